package haven.events;

import java.util.LinkedHashMap;
import java.util.Map;

/** A transition found but not yet numbered: what {@link StatusDiff} returns and the ring stamps. */
public record Change(String type, Map<String, Object> fields, String text) {

    public Change {
        if (!haven.core.EventTypes.ALL.contains(type)) {
            throw new IllegalArgumentException("'" + type + "' is not an event type; add it to EventTypes.ALL (alert hooks"
                    + " are checked against that list)");
        }
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** A change from alternating keys and values, in that order (null values allowed, unlike Map.of). */
    static Change of(String type, String text, Object... keyValues) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) f.put((String) keyValues[i], keyValues[i + 1]);
        return new Change(type, f, text);
    }
}
