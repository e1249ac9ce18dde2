package dev.tgdesk.scenario;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.time.Instant;

/**
 * {@link Instant} as ISO-8601 text ("2025-03-01T12:00:00Z") for the project mapper, which has no
 * java.time module; epoch millis are read too.
 */
final class InstantJson {
    private InstantJson() {
    }

    static final class Write extends StdSerializer<Instant> {
        Write() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }

    static final class Read extends StdDeserializer<Instant> {
        Read() {
            super(Instant.class);
        }

        @Override
        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) return Instant.ofEpochMilli(p.getLongValue());
            try {
                return Instant.parse(p.getValueAsString());
            } catch (java.time.format.DateTimeParseException e) {
                return (Instant) ctxt.handleWeirdStringValue(Instant.class, p.getValueAsString(), "not an ISO-8601 instant");
            }
        }
    }
}
