package haven.config;

import haven.core.Suggestions;
import haven.core.Durations;
import haven.core.Names;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One mapping of the config file read as a set of named fields: rejects keys it does not know (with a
 * suggestion) and keys written twice, and reads typed values, reporting each bad one at its place. Every
 * getter returns empty after reporting, so callers simply skip what they could not read.
 */
final class Fields {
    static final String DURATION_SYNTAX = "write a whole number and a unit: 500ms, 2s, 10m or 1h";
    /** Longer timers are typos (a unit slip), and a bound keeps sums of timers far from overflow. */
    static final Duration MAX_DURATION = Duration.ofDays(7);
    static final String NAME_RULE = "use a letter, then letters, digits, '_', '.' or '-' (at most 63 characters)";

    private final String path;
    private final Place anchor;
    private final Problems problems;
    private final Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();

    /**
     * @param path   how messages name this mapping, e.g. "cluster" or "resources[vip]"
     * @param anchor where to report a missing key: the key that introduced the mapping, or the list item
     */
    Fields(YamlNode.Mapping mapping, String path, Place anchor, List<String> known, Problems problems) {
        this.path = path;
        this.anchor = anchor;
        this.problems = problems;
        for (YamlNode.Entry e : mapping.entries()) {
            YamlNode.Entry first = entries.get(e.key());
            if (first != null) {
                problems.add(e.keyPlace(), key(e.key()) + " is written twice (first at " + first.keyPlace().describe() + ")",
                        "keep one of them; YAML would silently use the last");
            } else if (!known.contains(e.key())) {
                problems.add(e.keyPlace(), "unknown key " + key(e.key()), Suggestions.hint(e.key(), known));
            } else {
                entries.put(e.key(), e);
            }
        }
    }

    /**
     * Fields of one item of a list of mappings, or empty (after reporting) when the item is not a mapping.
     * Messages name the item by its name when it has a usable one ("resources[vip]"), else by position
     * counted from 1 ("resources[#3]").
     */
    static Optional<Fields> item(String list, int index, YamlNode item, List<String> known, Problems problems) {
        if (!(item instanceof YamlNode.Mapping m)) {
            problems.add(item.place(), list + "[#" + (index + 1) + "] must be a mapping with name: and the other keys, not "
                    + item.describe(), "start the item with '- name: ...' and indent its other keys below it");
            return Optional.empty();
        }
        String label = "#" + (index + 1);
        for (YamlNode.Entry e : m.entries()) {
            if (e.key().equals("name") && e.value() instanceof YamlNode.Scalar s && Names.isValid(s.text())) {
                label = s.text();
                break;
            }
        }
        return Optional.of(new Fields(m, list + "[" + label + "]", m.place(), known, problems));
    }

    /** The full name of a key of this mapping, as messages show it: "timing.heartbeat". */
    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    String path() {
        return path;
    }

    Place anchor() {
        return anchor;
    }

    boolean has(String name) {
        YamlNode.Entry e = entries.get(name);
        return e != null && !(e.value() instanceof YamlNode.Scalar s && s.isNull());
    }

    /** The value written for a key, if any (a key written with nothing after it counts as absent). */
    Optional<YamlNode> node(String name) {
        return has(name) ? Optional.of(entries.get(name).value()) : Optional.empty();
    }

    Place keyPlace(String name) {
        YamlNode.Entry e = entries.get(name);
        return e == null ? anchor : e.keyPlace();
    }

    Place valuePlace(String name) {
        YamlNode.Entry e = entries.get(name);
        return e == null ? anchor : e.value().place();
    }

    /** A single value as text; a list or mapping where a single value belongs is reported. */
    Optional<String> text(String name) {
        Optional<YamlNode> node = node(name);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get() instanceof YamlNode.Scalar s) {
            return Optional.of(s.text());
        }
        problems.add(node.get().place(), key(name) + " must be a single value, not " + node.get().describe(),
                "write it on one line after '" + name + ": '");
        return Optional.empty();
    }

    Optional<String> requiredText(String name, String hint) {
        if (!has(name)) {
            problems.add(anchor, key(name) + " is missing", hint);
            return Optional.empty();
        }
        return text(name);
    }

    /** A required name following the rule for node, resource and group names. */
    Optional<String> requiredName(String name, String what) {
        Optional<String> text = requiredText(name, "every " + what + " needs a name; " + NAME_RULE);
        if (text.isPresent() && !Names.isValid(text.get())) {
            problems.add(valuePlace(name), key(name) + " '" + text.get() + "' is not a valid " + what + " name", NAME_RULE);
            return Optional.empty();
        }
        return text;
    }

    Optional<Duration> duration(String name) {
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = Durations.parse(text.get());
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(valuePlace(name), key(name) + " '" + text.get() + "' is not a duration", DURATION_SYNTAX);
            return Optional.empty();
        }
        if (d.compareTo(MAX_DURATION) > 0) {
            problems.add(valuePlace(name), key(name) + " '" + text.get() + "' is longer than 7 days",
                    "no timer of a cluster manager should be that long; check the unit (ms, s, m, h)");
            return Optional.empty();
        }
        return Optional.of(d);
    }

    /** A duration that must be more than zero, or {@code fallback} when the key is absent. */
    Optional<Duration> positiveDuration(String name, Duration fallback) {
        if (!has(name)) {
            return Optional.of(fallback);
        }
        Optional<Duration> d = duration(name);
        if (d.isPresent() && (d.get().isZero() || d.get().isNegative())) {
            problems.add(valuePlace(name), key(name) + " must be longer than zero",
                    "a zero " + name + " would fire at once; e.g. " + Durations.format(fallback) + " (the default)");
            return Optional.empty();
        }
        return d;
    }

    OptionalInt integer(String name, int min, int max, int fallback, String hint) {
        if (!has(name)) {
            return OptionalInt.of(fallback);
        }
        Optional<String> text = text(name);
        if (text.isEmpty()) {
            return OptionalInt.empty();
        }
        String t = text.get().trim();
        if (!t.matches("-?\\d{1,10}")) {
            problems.add(valuePlace(name), key(name) + " '" + t + "' is not a whole number", hint);
            return OptionalInt.empty();
        }
        long value = Long.parseLong(t);
        if (value < min || value > max) {
            problems.add(valuePlace(name), key(name) + " " + value + " is out of range " + min + ".." + max, hint);
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) value);
    }

    Optional<Boolean> bool(String name, boolean fallback) {
        Optional<YamlNode> node = node(name);
        if (node.isEmpty()) {
            return Optional.of(fallback);
        }
        if (node.get() instanceof YamlNode.Scalar s && (s.kind() == YamlNode.Kind.TRUE || s.kind() == YamlNode.Kind.FALSE)) {
            return Optional.of(s.kind() == YamlNode.Kind.TRUE);
        }
        problems.add(node.get().place(), key(name) + " must be true or false, not " + node.get().describe(),
                "write " + name + ": true or " + name + ": false");
        return Optional.empty();
    }

    /** A nested mapping; a key written with nothing after it reads as an empty mapping. */
    Optional<Fields> mapping(String name, List<String> known) {
        YamlNode.Entry e = entries.get(name);
        if (e == null || e.value() instanceof YamlNode.Scalar s && s.isNull()) {
            return Optional.empty();
        }
        if (e.value() instanceof YamlNode.Mapping m) {
            return Optional.of(new Fields(m, key(name), e.keyPlace(), known, problems));
        }
        problems.add(e.value().place(), key(name) + " must be a mapping of keys to values, not " + e.value().describe(),
                "write each setting on its own line below '" + name + ":', indented");
        return Optional.empty();
    }

    /** A nested list, or empty (after reporting) when something else is written there. */
    Optional<List<YamlNode>> list(String name) {
        Optional<YamlNode> node = node(name);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get() instanceof YamlNode.Sequence seq) {
            return Optional.of(seq.items());
        }
        problems.add(node.get().place(), key(name) + " must be a list, not " + node.get().describe(),
                "write one item per line, each starting with '- ', or [a, b] on one line");
        return Optional.empty();
    }

    /** The raw entries of a mapping whose keys are free-form (resource parameters). */
    Optional<YamlNode.Mapping> rawMapping(String name) {
        Optional<YamlNode> node = node(name);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (node.get() instanceof YamlNode.Mapping m) {
            return Optional.of(m);
        }
        problems.add(node.get().place(), key(name) + " must be a mapping of keys to values, not " + node.get().describe(),
                "e.g. " + name + ": { address: 10.0.0.10/24 }");
        return Optional.empty();
    }
}
