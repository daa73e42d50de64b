package haven.executor.agents;

import haven.process.OutputTail;
import haven.process.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one action of an agent script (OCF or LSB) the way every call must run: in a process group of its
 * own that is ended as a whole on timeout (SIGTERM, then SIGKILL), stdin from /dev/null, and everything it
 * printed copied into the daemon log, each line prefixed with the resource and the action, so an
 * administrator can tell which call said what.
 *
 * <p>{@code prefix} is put before the script, e.g. {@code ip netns exec NS} to run it in a network namespace.
 *
 * <p>Thread safety: immutable; calls may run from several threads.
 */
public final class ScriptCall {
    /** meta-data of some agents is long (pgsql's is about 30 KiB); keep all of it. */
    static final int OUTPUT_LIMIT_BYTES = 256 * 1024;
    private static final System.Logger LOG = System.getLogger(ScriptCall.class.getName());
    private static final ProcessRunner RUNNER = new ProcessRunner(ProcessRunner.DEFAULT_KILL_GRACE, OUTPUT_LIMIT_BYTES);

    private final List<String> prefix;
    private final Path script;
    private final String resource;

    public ScriptCall(List<String> prefix, Path script, String resource) {
        this.prefix = List.copyOf(prefix);
        this.script = script;
        this.resource = resource;
    }

    public Path script() {
        return script;
    }

    /** Runs {@code script action}; {@code quiet} leaves its output out of the log (meta-data is not news). */
    public ProcessRunner.Result run(String action, Map<String, String> env, Duration timeout, boolean quiet) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(script.toString());
        argv.add(action);
        ProcessRunner.Result r = RUNNER.run(argv, env, timeout);
        if (!quiet) log(action, r);
        return r;
    }

    private void log(String action, ProcessRunner.Result r) {
        String tag = "[" + resource + " " + action + "] ";
        for (String line : r.output().split("\n")) {
            if (!line.isBlank()) LOG.log(System.Logger.Level.INFO, tag + line);
        }
        if (r.timedOut()) {
            LOG.log(System.Logger.Level.WARNING, tag + "timed out after " + r.elapsed().toMillis() + " ms; its process group was killed");
        }
    }

    /** The last lines a call printed, on one line, for a failure's explanation. */
    public static String lastWords(ProcessRunner.Result r) {
        return OutputTail.lastLinesOf(r.output(), 3).replace('\n', '|').strip();
    }
}
