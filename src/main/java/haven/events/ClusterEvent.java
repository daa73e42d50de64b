package haven.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cluster transition as this node saw it. {@code seq} numbers the events of one stream (one daemon run
 * on one node) without gaps, from 1; {@code fields} are the machine-readable facts, {@code text} the line a
 * person reads.
 */
public record ClusterEvent(long seq, long atEpochMs, String type, Map<String, Object> fields, String text) {

    public ClusterEvent {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The JSON object sent as an SSE {@code data:} line. */
    public Map<String, Object> toMap(String observer) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("seq", seq);
        m.put("at", atEpochMs);
        m.put("type", type);
        m.put("observer", observer);
        m.putAll(fields);
        m.put("text", text);
        return m;
    }
}
