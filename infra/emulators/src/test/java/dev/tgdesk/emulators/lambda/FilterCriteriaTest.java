package dev.tgdesk.emulators.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Lambda event filtering on DynamoDB stream records (EventBridge pattern syntax). */
class FilterCriteriaTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final JsonNode INSERT = json("""
            {"eventName":"INSERT","eventSource":"aws:dynamodb","dynamodb":{
              "ApproximateCreationDateTime":1.578648338E9,"SizeBytes":26,
              "Keys":{"pk":{"S":"CHAT#1"},"sk":{"S":"MSG#0001"}},
              "NewImage":{"pk":{"S":"CHAT#1"},"sk":{"S":"MSG#0001"},"status":{"S":"open"},"n":{"N":"5"},
                          "tags":{"SS":["a","b"]},"flag":{"BOOL":true},"nothing":{"NULL":true},
                          "list":{"L":[{"S":"x"},{"S":"y"}]}}}}""");
    private static final JsonNode REMOVE = json("""
            {"eventName":"REMOVE","dynamodb":{"Keys":{"pk":{"S":"CHAT#1"},"sk":{"S":"DIALOG"}},
              "OldImage":{"pk":{"S":"CHAT#1"},"sk":{"S":"DIALOG"},"status":{"S":"closed"}}}}""");

    @Test
    void exactValuesAreAlternatives() {
        FilterCriteria f = FilterCriteria.of("{\"eventName\":[\"INSERT\",\"MODIFY\"]}");
        assertTrue(f.matches(INSERT));
        assertFalse(f.matches(REMOVE));
    }

    @Test
    void nestedObjectsAndFieldsAreAnded() {
        FilterCriteria f = FilterCriteria.of("{\"eventName\":[\"REMOVE\"],\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[\"DIALOG\"]}}}}");
        assertTrue(f.matches(REMOVE));
        assertFalse(f.matches(INSERT));
        assertFalse(FilterCriteria.of("{\"eventName\":[\"INSERT\"],\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[\"DIALOG\"]}}}}")
                .matches(REMOVE));
    }

    @Test
    void anyPatternMatching() {
        FilterCriteria f = FilterCriteria.of("{\"eventName\":[\"MODIFY\"]}", "{\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[\"DIALOG\"]}}}}");
        assertTrue(f.matches(REMOVE));
        assertFalse(f.matches(INSERT));
    }

    @Test
    void prefixSuffixAndIgnoreCase() {
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"prefix\":\"MSG#\"}]}}}}").matches(INSERT));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"prefix\":\"MSG#\"}]}}}}").matches(REMOVE));
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"suffix\":\"0001\"}]}}}}").matches(INSERT));
        assertTrue(FilterCriteria.of("{\"eventName\":[{\"equals-ignore-case\":\"insert\"}]}").matches(INSERT));
    }

    @Test
    void anythingBut() {
        String notClosed = "{\"dynamodb\":{\"NewImage\":{\"status\":{\"S\":[{\"anything-but\":[\"closed\",\"archived\"]}]}}}}";
        assertTrue(FilterCriteria.of(notClosed).matches(INSERT));
        // REMOVE has no NewImage: anything-but needs the field to be there.
        assertFalse(FilterCriteria.of(notClosed).matches(REMOVE));
        assertFalse(FilterCriteria.of("{\"eventName\":[{\"anything-but\":\"INSERT\"}]}").matches(INSERT));
        assertTrue(FilterCriteria.of("{\"eventName\":[{\"anything-but\":{\"prefix\":\"MOD\"}}]}").matches(INSERT));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"Keys\":{\"sk\":{\"S\":[{\"anything-but\":{\"prefix\":\"MSG#\"}}]}}}}").matches(INSERT));
    }

    @Test
    void existsLooksAtLeaves() {
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"flag\":{\"BOOL\":[{\"exists\":true}]}}}}").matches(INSERT));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"flag\":{\"BOOL\":[{\"exists\":true}]}}}}").matches(REMOVE));
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"flag\":{\"BOOL\":[{\"exists\":false}]}}}}").matches(REMOVE));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"flag\":{\"BOOL\":[{\"exists\":false}]}}}}").matches(INSERT));
        // An attribute value is an object, not a leaf, as in EventBridge.
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"flag\":[{\"exists\":true}]}}}").matches(INSERT));
    }

    @Test
    void valuesMatchByTypeAndText() {
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"flag\":{\"BOOL\":[true]}}}}").matches(INSERT));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"flag\":{\"BOOL\":[\"true\"]}}}}").matches(INSERT));
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"n\":{\"N\":[\"5\"]}}}}").matches(INSERT));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"n\":{\"N\":[5]}}}}").matches(INSERT));
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"nothing\":{\"NULL\":[true]}}}}").matches(INSERT));
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"SizeBytes\":[26]}}").matches(INSERT));
    }

    @Test
    void numericAppliesToJsonNumbers() {
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"SizeBytes\":[{\"numeric\":[\">\",0,\"<=\",26]}]}}").matches(INSERT));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"SizeBytes\":[{\"numeric\":[\">\",26]}]}}").matches(INSERT));
        // A DynamoDB number is a JSON string.
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"n\":{\"N\":[{\"numeric\":[\">\",0]}]}}}}").matches(INSERT));
    }

    @Test
    void arraysInTheEventMatchAnyElement() {
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"tags\":{\"SS\":[\"b\"]}}}}").matches(INSERT));
        assertTrue(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"list\":{\"L\":{\"S\":[\"y\"]}}}}}").matches(INSERT));
        assertFalse(FilterCriteria.of("{\"dynamodb\":{\"NewImage\":{\"list\":{\"L\":{\"S\":[\"z\"]}}}}}").matches(INSERT));
    }

    @Test
    void unsupportedOrMalformedPatternsAreRejected() {
        assertRejected("wildcard", "{\"eventName\":[{\"wildcard\":\"IN*\"}]}");
        assertRejected("cidr", "{\"eventName\":[{\"cidr\":\"10.0.0.0/8\"}]}");
        assertRejected("$or", "{\"$or\":[{\"eventName\":[\"INSERT\"]},{\"eventName\":[\"REMOVE\"]}]}");
        assertRejected("anything-but/wildcard", "{\"eventName\":[{\"anything-but\":{\"wildcard\":\"x\"}}]}");
        assertRejected("not valid JSON", "{\"eventName\":");
        assertRejected("must be an array", "{\"eventName\":\"INSERT\"}");
        assertRejected("numeric", "{\"dynamodb\":{\"SizeBytes\":[{\"numeric\":[\"!=\",1]}]}}");
        assertRejected("non-empty JSON object", "[\"INSERT\"]");
    }

    private static void assertRejected(String expectedInMessage, String pattern) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FilterCriteria.of(pattern));
        assertTrue(e.getMessage().contains(expectedInMessage), e.getMessage());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
