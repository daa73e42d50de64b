package haven.config.fence;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The conventions of the ClusterLabs fence-agents that a config must respect before any agent runs: where
 * agents are installed, which parameters haven sets itself, and what an argument on the agent's standard
 * input may hold.
 */
public final class FenceAgents {
    /** Where an agent named without a path is looked for, in this order. */
    public static final List<Path> DIRS = List.of(Path.of("/usr/sbin"), Path.of("/usr/local/sbin"), Path.of("/sbin"));
    /** Parameters haven gives each run itself (the action, and the target's plug). */
    public static final Set<String> SET_BY_HAVEN = Set.of("action", "plug", "port", "nodename");

    private FenceAgents() {}

    /** A line break would start a new argument on the agent's stdin: refuse rather than let a value inject one. */
    public static void checkArgument(String key, String value) {
        if (key.isBlank() || key.contains("=") || key.contains("\n") || !key.strip().equals(key)) {
            throw new IllegalArgumentException("fence agent parameter name '" + key + "' is not valid: use a"
                    + " name such as 'ip' or 'username', without '=', spaces or line breaks");
        }
        if (value.contains("\n") || value.contains("\r")) {
            throw new IllegalArgumentException("fence agent parameter '" + key + "' has a line break in its"
                    + " value; the agent reads one key=value per line, so put the value on one line");
        }
    }
}
