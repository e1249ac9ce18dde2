package dev.tgdesk.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * What CloudFormation sends a custom resource's Lambda: the request type, where to put the answer (a pre-signed S3
 * URL) and the identifiers the answer must echo. Read leniently: a field that is missing stays null so that an answer
 * can still be sent whenever {@code ResponseURL} is there.
 *
 * @param properties    {@code ResourceProperties} (values are strings or lists of strings, as CloudFormation sends them)
 * @param oldProperties {@code OldResourceProperties} of an Update, else a missing node
 */
public record CustomResourceRequest(String requestType, String responseUrl, String stackId, String requestId,
                                    String logicalResourceId, String physicalResourceId, String resourceType,
                                    JsonNode properties, JsonNode oldProperties) {

    public static final String CREATE = "Create";
    public static final String UPDATE = "Update";
    public static final String DELETE = "Delete";

    public static CustomResourceRequest from(JsonNode event) {
        JsonNode e = event == null ? MissingNode.getInstance() : event;
        return new CustomResourceRequest(text(e, "RequestType"), text(e, "ResponseURL"), text(e, "StackId"),
                text(e, "RequestId"), text(e, "LogicalResourceId"), text(e, "PhysicalResourceId"), text(e, "ResourceType"),
                e.path("ResourceProperties"), e.path("OldResourceProperties"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    /** A string property (CloudFormation sends numbers and booleans as strings too), or null. */
    public String property(String name) {
        JsonNode v = properties.get(name);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    /** A string property of the resource before an Update, or null. */
    public String oldProperty(String name) {
        JsonNode v = oldProperties.get(name);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asText();
    }

    /** Never prints the properties (they carry the webhook's secret token). */
    @Override
    public String toString() {
        return "CustomResourceRequest[" + requestType + " " + resourceType + " " + logicalResourceId
                + ", physicalResourceId=" + physicalResourceId + ", requestId=" + requestId + "]";
    }
}
