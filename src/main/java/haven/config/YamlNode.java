package haven.config;

import java.util.List;

/**
 * The config file as a plain tree that remembers where each key and value was written, so that every
 * problem can be reported at its place. Kept apart from Jackson's JsonNode because JsonNode forgets places.
 */
sealed interface YamlNode {
    Place place();

    /** How the node reads to a person, for messages like "expected a list, found a single value". */
    String describe();

    enum Kind { STRING, NUMBER, TRUE, FALSE, NULL }

    /** A single value; {@code text} is exactly as written (for NULL, the empty string or "~"). */
    record Scalar(String text, Kind kind, Place place) implements YamlNode {
        boolean isNull() {
            return kind == Kind.NULL;
        }

        @Override
        public String describe() {
            return isNull() ? "nothing" : "the single value '" + text + "'";
        }
    }

    record Entry(String key, Place keyPlace, YamlNode value) {}

    /** Entries in file order; duplicate keys are kept so that they can be reported. */
    record Mapping(List<Entry> entries, Place place) implements YamlNode {
        public Mapping {
            entries = List.copyOf(entries);
        }

        @Override
        public String describe() {
            return "a mapping (key: value lines)";
        }
    }

    record Sequence(List<YamlNode> items, Place place) implements YamlNode {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }
}
