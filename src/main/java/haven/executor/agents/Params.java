package haven.executor.agents;

import haven.config.ResourceConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A resource's agent parameters, checked when the agent is created: unknown keys (usually typos) and
 * missing required keys are rejected with the resource, the key and the fix named.
 */
final class Params {
    private final ResourceConfig rc;

    private Params(ResourceConfig rc) {
        this.rc = rc;
    }

    static Params of(ResourceConfig rc, List<String> known) {
        for (String key : rc.params().keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException("resource " + rc.id() + " (type " + rc.type() + "): unknown parameter '"
                        + key + "'; known parameters are " + String.join(", ", known));
            }
        }
        return new Params(rc);
    }

    String required(String key, String example) {
        return optional(key).orElseThrow(() -> new IllegalArgumentException("resource " + rc.id() + " (type " + rc.type()
                + "): parameter '" + key + "' is required, e.g. " + key + ": " + example));
    }

    Optional<String> optional(String key) {
        String v = rc.params().get(key);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    Optional<Path> optionalAbsolutePath(String key) {
        return optional(key).map(v -> {
            Path p = Path.of(v);
            if (!p.isAbsolute()) throw invalid(key, "'" + v + "' is not an absolute path; write it from /");
            return p;
        });
    }

    /** A TCP port, or {@code otherwise} when the parameter is not set. */
    int port(String key, int otherwise) {
        Optional<String> v = optional(key);
        if (v.isEmpty()) return otherwise;
        try {
            int port = Integer.parseInt(v.get());
            if (port > 0 && port < 65536) return port;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, "'" + v.get() + "' is not a TCP port (1-65535)");
    }

    IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("resource " + rc.id() + " (type " + rc.type() + "): parameter '" + key + "': " + why);
    }
}
