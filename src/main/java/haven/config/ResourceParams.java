package haven.config;

import java.util.Map;
import java.util.Optional;

/** One resource's {@code params:} as strings, with their places, for the checks of its type. */
final class ResourceParams {
    private final String keyPrefix;
    private final Map<String, String> values;
    private final Map<String, Place> places; // every parameter written, even with a value that was rejected
    private final Place anchor;
    private final Problems problems;

    /**
     * @param keyPrefix how messages name a parameter, before its name: "resources[vip].params."
     * @param anchor    where a missing parameter is reported: the {@code params:} key, or the resource itself
     */
    ResourceParams(String keyPrefix, Map<String, String> values, Map<String, Place> places, Place anchor, Problems problems) {
        this.keyPrefix = keyPrefix;
        this.values = values;
        this.places = places;
        this.anchor = anchor;
        this.problems = problems;
    }

    /** A parameter that must be there; one written with a bad value (already reported) is not "missing". */
    Optional<String> required(String name, String hint) {
        if (!places.containsKey(name)) {
            problems.add(anchor, key(name) + " is missing", hint);
        }
        return optional(name);
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name));
    }

    void problem(String name, String message, String hint) {
        problems.add(places.getOrDefault(name, anchor), key(name) + " " + message, hint);
    }

    String key(String name) {
        return keyPrefix + name;
    }
}
