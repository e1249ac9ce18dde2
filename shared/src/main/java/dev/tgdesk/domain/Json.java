package dev.tgdesk.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;

/** The project's JSON conventions: snake_case like Telegram, nulls omitted, unknown fields ignored. */
public final class Json {
    private static final ObjectMapper MAPPER = create();

    private Json() {
    }

    /** A shared, thread-safe mapper (build once per container, not per request). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code value} as JSON text; our own records always serialise, so a failure is a bug, not input. */
    public static String write(ObjectMapper json, Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public static ObjectMapper create() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    }
}
