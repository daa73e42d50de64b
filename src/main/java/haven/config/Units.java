package haven.config;

import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Amounts by named unit, as a node's {@code capacity:} and a group's {@code needs:} write them
 * ({@code { cpu: 8, memory_mb: 16384 }}): any unit name, a whole number from 0 up.
 */
final class Units {
    static final String EXAMPLE = "e.g. { cpu: 4, memory_mb: 8192 }";

    private Units() {}

    /** The mapping under {@code key}, or an empty one when absent; empty after a reported problem. */
    static Optional<SortedMap<String, Long>> read(Fields f, String key, Problems problems) {
        SortedMap<String, Long> out = new TreeMap<>();
        if (!f.has(key)) return Optional.of(out);
        Optional<YamlNode.Mapping> m = f.rawMapping(key);
        if (m.isEmpty()) return Optional.empty();
        boolean ok = true;
        for (YamlNode.Entry e : m.get().entries()) {
            if (!haven.core.Names.isValid(e.key())) {
                problems.add(e.keyPlace(), f.key(key) + ": '" + e.key() + "' is not a unit name", Fields.NAME_RULE);
                ok = false;
                continue;
            }
            Optional<Long> amount = e.value() instanceof YamlNode.Scalar s && !s.isNull() ? amount(s.text().strip()) : Optional.empty();
            if (amount.isEmpty()) {
                problems.add(e.value().place(), f.key(key) + "." + e.key() + " must be a whole number from 0 up, not "
                        + e.value().describe(), EXAMPLE);
                ok = false;
            } else if (out.put(e.key(), amount.get()) != null) {
                problems.add(e.keyPlace(), f.key(key) + "." + e.key() + " is written twice", "keep one of them");
                ok = false;
            }
        }
        return ok ? Optional.of(out) : Optional.empty();
    }

    private static Optional<Long> amount(String text) {
        if (!text.matches("\\d{1,15}")) return Optional.empty();
        return Optional.of(Long.parseLong(text));
    }
}
