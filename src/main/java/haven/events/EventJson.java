package haven.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import haven.cib.Codec;

/** An event (or any map of plain values) as one line of JSON, keys sorted, as the stream and hooks get it. */
public final class EventJson {
    private EventJson() {}

    public static String of(Object value) {
        try {
            return Codec.json().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an event's fields are plain values and always encode: " + value, e);
        }
    }
}
