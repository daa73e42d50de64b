package haven.services;

import java.util.LinkedHashMap;
import java.util.Map;

/** One resources entry as it will be written: parameters keep their order, values are always quoted. */
public record Resource(String name, String type, Map<String, String> params, Map<String, String> timings) {

    static Resource of(String name, String type) {
        return new Resource(name, type, new LinkedHashMap<>(), new LinkedHashMap<>());
    }

    Resource param(String key, String value) {
        params.put(key, value);
        return this;
    }

    /** start_timeout, stop_timeout, monitor_interval or monitor_timeout, e.g. "60s". */
    Resource timing(String key, String value) {
        timings.put(key, value);
        return this;
    }

    /**
     * The agent's own advice from its meta-data (resource-agents 4.12, as Debian 12 ships it), so that
     * `haven config check` finds nothing short. The monitor runs every 10 s, more often than some agents
     * suggest (named 30 s, postfix 60 s), because a crashed server is noticed only by its monitor.
     */
    Resource advised(String start, String stop, String monitor) {
        return timing("start_timeout", start).timing("stop_timeout", stop)
                .timing("monitor_interval", "10s").timing("monitor_timeout", monitor);
    }

    /** The list item, starting at column 1 with "- name:". */
    public String toYaml() {
        StringBuilder y = new StringBuilder();
        y.append("- name: ").append(name).append('\n');
        y.append("  type: ").append(type).append('\n');
        if (!params.isEmpty()) {
            y.append("  params:\n");
            params.forEach((k, v) -> y.append("    ").append(k).append(": ").append(quote(v)).append('\n'));
        }
        timings.forEach((k, v) -> y.append("  ").append(k).append(": ").append(v).append('\n'));
        return y.toString();
    }

    /** Double quotes always: a value such as "24", "yes" or "a: b" stays a string. */
    static String quote(String v) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> q.append(c);
            }
        }
        return q.append('"').toString();
    }
}
