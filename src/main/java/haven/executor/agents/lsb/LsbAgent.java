package haven.executor.agents.lsb;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.core.Operation;
import haven.executor.ResourceAgent;
import haven.executor.agents.ScriptCall;
import haven.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Type {@code lsb:NAME}: the init script {@code /etc/init.d/NAME}, run with start, stop and status. It takes
 * no parameters (an init script reads its own /etc/default file).
 *
 * <p>start is followed by status: many init scripts return 0 as soon as the daemon forked, and our contract
 * is that start returns OK only when the service runs. A stop that fails while status then says "not
 * running" is OK, since the script's author forgot that stopping a stopped service must succeed and what
 * matters is that nothing is left running.
 *
 * <p>Force-off: nothing. The daemon an init script starts detaches into its own session, so there is no
 * process group we could name (see OcfAgent).
 *
 * <p>Thread safety: stateless between operations.
 */
public final class LsbAgent implements ResourceAgent {
    public static final String PREFIX = "lsb:";
    public static final Path INIT_D = Path.of("/etc/init.d");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]*");

    private final String name;
    private final Path initDir;
    private final ScriptCall script;
    private final Map<String, String> env;

    public LsbAgent(ResourceConfig rc, Map<String, String> environment) {
        this(rc, environment, INIT_D, List.of());
    }

    public LsbAgent(ResourceConfig rc, Map<String, String> environment, Path initDir, List<String> prefix) {
        this.name = scriptName(rc.type());
        if (!rc.params().isEmpty()) {
            throw new IllegalArgumentException("resource " + rc.id() + " (type " + rc.type() + "): an init script takes no "
                    + "parameters, but " + String.join(", ", rc.params().keySet()) + " given; remove params: (the script "
                    + "reads its settings from its own file, usually /etc/default/" + name + ")");
        }
        this.initDir = initDir;
        this.env = Map.copyOf(environment);
        this.script = new ScriptCall(prefix, initDir.resolve(name), rc.id().name());
    }

    /** The NAME of {@code lsb:NAME}; IllegalArgumentException naming the form when it is not one. */
    public static String scriptName(String type) {
        String n = type.startsWith(PREFIX) ? type.substring(PREFIX.length()) : "";
        if (!NAME.matcher(n).matches()) {
            throw new IllegalArgumentException("'" + type + "' is not an init script name: write lsb:NAME for /etc/init.d/NAME, "
                    + "e.g. lsb:nginx");
        }
        return n;
    }

    @Override
    public AgentResult start(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AgentResult r = run(Operation.START, "start", timeout);
        if (!r.isOk()) return r;
        AgentResult status = run(Operation.MONITOR, "status", left(deadline));
        return status.isOk() ? status : AgentResult.failed("start exited 0 but status then said " + status.status()
                + (status.detail().isEmpty() ? "" : ": " + status.detail()));
    }

    @Override
    public AgentResult stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AgentResult r = run(Operation.STOP, "stop", timeout);
        if (r.isOk() || r.status() == AgentResult.Status.TIMEOUT) return r;
        AgentResult status = run(Operation.MONITOR, "status", left(deadline));
        return status.status() == AgentResult.Status.NOT_RUNNING ? AgentResult.ok() : r;
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        return run(Operation.MONITOR, "status", timeout);
    }

    private AgentResult run(Operation op, String action, Duration timeout) {
        Path path = script.script();
        if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
            return AgentResult.configError("init script " + path + " does not exist or is not executable on this node "
                    + "(install the package that provides it, or see `haven agent list`) [this node cannot run it]");
        }
        ProcessRunner.Result r = script.run(action, env, timeout, false);
        if (r.timedOut()) return AgentResult.timeout(path + " " + action + ": " + r.describe());
        return LsbExit.toResult(op, r.exitCode(), ScriptCall.lastWords(r));
    }

    private static Duration left(long deadlineNs) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNs - System.nanoTime()));
    }

    public Path initDir() {
        return initDir;
    }
}
