package haven.executor.agents.ocf;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.core.ForceOff;
import haven.core.Operation;
import haven.executor.ResourceAgent;
import haven.executor.agents.ResourceMarks;
import haven.executor.agents.ScriptCall;
import haven.process.MarkedProcesses;
import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Type {@code ocf:PROVIDER:TYPE}: an unmodified OCF resource agent (ClusterLabs resource-agents or any
 * other), run as {@code ROOT/resource.d/PROVIDER/TYPE ACTION} with the OCF environment
 * ({@link OcfEnvironment}). Exit codes are read by {@link OcfExit}.
 *
 * <p>Before the first start, {@code validate-all} runs if the agent's meta-data advertises it, so a bad
 * parameter is reported as a configuration error rather than as a failed start that looks retryable.
 *
 * <p>Force-off: for IPaddr2 and IPaddr the address is known from the parameters (or, without
 * cidr_netmask, read from the interface after start), so the guard can delete it if the daemon dies; for
 * Filesystem the mount point, which the guard detaches. The
 * processes an OCF agent starts detach into sessions of their own, and the call's process group is gone when
 * start returns, so no group id names the service; but every call runs with {@code HAVEN_RESOURCE} in its
 * environment, which the programs it starts inherit ({@link MarkedProcesses}), so the guard is given the
 * marker before the first start and finds them as it finds a process resource's. The same marker lets stop end
 * what the agent's own stop missed, and a monitor that says "not running" while marked processes run (left
 * over from a daemon killed as it started them) report them as a failure, so they are stopped before a start.
 * Out of the marker's reach: programs that write their title over their environment (nginx, postgres) and agents
 * that clear it (ocf:heartbeat:anything runs its program through {@code su -}); there the agent's own monitor
 * (its pid file) is all that finds a leftover.
 *
 * <p>Thread safety: operations come one at a time from the executor; {@code forceOff} may be read from
 * any thread (volatile).
 */
public final class OcfAgent implements ResourceAgent {
    static final Duration ADDRESS_LOOKUP_TIMEOUT = Duration.ofSeconds(5);
    private static final List<String> ADDRESS_AGENTS = List.of("IPaddr2", "IPaddr");
    /** After the agent's stop, what still bears the marker gets this long after SIGTERM, then SIGKILL. */
    static final Duration STRAY_GRACE = Duration.ofMillis(500);
    static final Duration KILL_WAIT = Duration.ofSeconds(2);
    private static final System.Logger LOG = System.getLogger(OcfAgent.class.getName());

    private final Map<String, String> environment;
    private final OcfRoot root;
    private final OcfType type;
    private final String instance;
    private final Map<String, String> params;
    private final Duration monitorInterval;
    private final List<String> prefix;
    private final ScriptCall script;
    private final List<Runnable> forceOffListeners = new CopyOnWriteArrayList<>();
    private final String marker;
    private final Optional<ForceOff> mountOff;
    private boolean validated;
    private volatile List<ForceOff> addressOff = List.of();

    public OcfAgent(ResourceConfig rc) {
        this(rc, Map.of());
    }

    /** {@code environment}: variables the daemon hands every agent (HAVEN_NODE, the node it runs on). */
    public OcfAgent(ResourceConfig rc, Map<String, String> environment) {
        this(rc, environment, OcfRoot.STANDARD, List.of());
    }

    public OcfAgent(ResourceConfig rc, OcfRoot root, List<String> prefix) {
        this(rc, Map.of(), root, prefix);
    }

    /** {@code prefix}: put before the agent's path, e.g. {@code ip netns exec NS}. */
    public OcfAgent(ResourceConfig rc, Map<String, String> environment, OcfRoot root, List<String> prefix) {
        this.environment = Map.copyOf(environment);
        this.root = root;
        this.type = OcfType.parse(rc.type());
        this.instance = rc.id().name();
        this.params = Map.copyOf(rc.params());
        this.monitorInterval = rc.monitorInterval();
        this.prefix = List.copyOf(prefix);
        for (String name : params.keySet()) {
            // The loader refuses such a name with its place in the file; this guards configs built in code.
            haven.config.OcfParameterName.problem(name).ifPresent(why -> {
                throw new IllegalArgumentException("resource " + rc.id() + " (type " + type + "): parameter '" + name
                        + "' " + why + " (`haven config check` names its line)");
            });
        }
        this.script = new ScriptCall(prefix, root.script(type), instance);
        this.marker = ResourceMarks.markerOf(instance, environment);
        this.mountOff = mountOf(type, params);
    }

    /** The value of {@code HAVEN_RESOURCE} in every call of this agent and the processes it starts. */
    public String marker() {
        return marker;
    }

    public OcfType type() {
        return type;
    }

    @Override
    public AgentResult start(Duration timeout) {
        return start(timeout, 0);
    }

    @Override
    public AgentResult start(Duration timeout, long generation) {
        Optional<AgentResult> missing = notInstalled();
        if (missing.isPresent()) return missing.get();
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!validated) {
            Optional<AgentResult> invalid = validate(timeout);
            if (invalid.isPresent()) return invalid.get();
            validated = true;
        }
        Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime()));
        AgentResult r = call(Operation.START, new OcfEnvironment.Call("start", left, Duration.ZERO, 0, generation));
        if (r.isOk()) learnForceOff();
        return r;
    }

    @Override
    public AgentResult stop(Duration timeout) {
        Optional<AgentResult> missing = notInstalled();
        if (missing.isPresent()) return missing.get();
        AgentResult r = call(Operation.STOP, OcfEnvironment.Call.once("stop", timeout));
        if (r.status() == AgentResult.Status.OK || r.status() == AgentResult.Status.NOT_RUNNING) {
            // Stopped means OK for the cluster, whichever of the two the agent said, once nothing marked is left.
            Optional<String> strays = endStrays();
            if (strays.isPresent()) return AgentResult.timeout(type + " stop: " + strays.get());
            if (!addressOff.isEmpty()) {
                addressOff = List.of();
                forceOffListeners.forEach(Runnable::run);
            }
            return AgentResult.ok();
        }
        return r;
    }

    /** Ends processes that still bear the marker after the agent's stop: empty when none is left, else why. */
    private Optional<String> endStrays() {
        List<Long> found = MarkedProcesses.find(marker);
        if (found.isEmpty()) return Optional.empty();
        boolean gone = MarkedProcesses.terminate(marker, STRAY_GRACE, KILL_WAIT);
        LOG.log(System.Logger.Level.WARNING, instance + ": " + type + " stop left " + found.size() + " processes marked " + marker
                + " " + found + (gone ? "; ended them" : "; some survive SIGKILL: " + MarkedProcesses.find(marker)));
        return gone ? Optional.empty() : Optional.of("processes marked " + marker + " survive SIGKILL: " + MarkedProcesses.find(marker));
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        Optional<AgentResult> missing = notInstalled();
        if (missing.isPresent()) return missing.get();
        AgentResult r = call(Operation.MONITOR, new OcfEnvironment.Call("monitor", timeout, monitorInterval, 0, 0));
        if (r.status() != AgentResult.Status.NOT_RUNNING) return r;
        List<Long> leftovers = MarkedProcesses.find(marker);
        return leftovers.isEmpty() ? r : AgentResult.failed(type + " monitor says not running, but " + leftovers.size()
                + " processes marked " + marker + " run here (left over from an earlier run): " + leftovers);
    }

    /**
     * OCF 1.1's {@code reload-agent} when advertised (it reloads the parameters marked reloadable), else the
     * older {@code reload} (for parameters not marked unique). The caller has checked that one exists.
     */
    @Override
    public AgentResult reload(Duration timeout) {
        Optional<AgentResult> missing = notInstalled();
        if (missing.isPresent()) return missing.get();
        OcfMetadata md;
        try {
            md = metadata();
        } catch (IllegalArgumentException e) {
            return AgentResult.configError(e.getMessage() + " [this node cannot run it]");
        }
        String action = md.advertises("reload-agent") ? "reload-agent" : "reload";
        if (!md.advertises(action)) {
            return AgentResult.configError(type + " advertises neither reload-agent nor reload; restart it instead");
        }
        return call(Operation.RELOAD, OcfEnvironment.Call.once(action, timeout));
    }

    /** OCF {@code promote}, with the promotion's generation in the environment as a start has it. */
    @Override
    public AgentResult promote(Duration timeout, long generation) {
        Optional<AgentResult> missing = notInstalled();
        if (missing.isPresent()) return missing.get();
        return call(Operation.PROMOTE, new OcfEnvironment.Call("promote", timeout, Duration.ZERO, 0, generation));
    }

    /** OCF {@code notify}, with the round in {@code OCF_RESKEY_CRM_meta_notify_*} ({@link NotifyVariables}). */
    @Override
    public AgentResult notify(Duration timeout, haven.core.Notice notice) {
        Optional<AgentResult> missing = notInstalled();
        if (missing.isPresent()) return missing.get();
        OcfEnvironment.Call call = OcfEnvironment.Call.once("notify", timeout);
        Map<String, String> env = env(call);
        env.putAll(NotifyVariables.of(instance, notice));
        ProcessRunner.Result r = script.run(call.action(), env, timeout, false);
        if (r.timedOut()) return AgentResult.timeout(type + " notify: " + r.describe());
        AgentResult mapped = OcfExit.toResult(Operation.NOTIFY, r.exitCode(), ScriptCall.lastWords(r));
        return mapped.detail().isEmpty() ? mapped : new AgentResult(mapped.status(), type + " notify: " + mapped.detail());
    }

    @Override
    public AgentResult demote(Duration timeout) {
        Optional<AgentResult> missing = notInstalled();
        if (missing.isPresent()) return missing.get();
        return call(Operation.DEMOTE, OcfEnvironment.Call.once("demote", timeout));
    }

    /**
     * The address (address agents, once started), the marker, which is known before any start, and for
     * Filesystem the mount point (from its parameters), which the guard detaches after killing the processes.
     */
    @Override
    public List<ForceOff> forceOff() {
        List<ForceOff> all = new java.util.ArrayList<>(addressOff);
        all.add(new ForceOff.KillMarked(marker));
        mountOff.ifPresent(all::add);
        return List.copyOf(all);
    }

    /** Filesystem's mount point as the kernel lists it (no trailing slash); empty for other agents or a path the guard cannot take. */
    private static Optional<ForceOff> mountOf(OcfType type, Map<String, String> params) {
        String dir = params.get("directory");
        if (!type.type().equals("Filesystem") || dir == null) return Optional.empty();
        while (dir.length() > 1 && dir.endsWith("/")) dir = dir.substring(0, dir.length() - 1);
        try {
            return Optional.of(new ForceOff.Unmount(dir));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "Filesystem directory '" + dir + "' cannot be detached by the guard: " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void onForceOffChanged(Runnable listener) {
        forceOffListeners.add(listener);
    }

    /** The agent's meta-data, read now; IllegalArgumentException when it cannot be run or parsed. */
    public OcfMetadata metadata() {
        return OcfMetadataReader.read(root, type, instance, prefix);
    }

    private Optional<AgentResult> validate(Duration timeout) {
        OcfMetadata md;
        try {
            md = metadata();
        } catch (IllegalArgumentException e) {
            return Optional.of(AgentResult.configError(e.getMessage() + " [this node cannot run it]"));
        }
        if (!md.advertises("validate-all")) return Optional.empty();
        ProcessRunner.Result r = script.run("validate-all", env(OcfEnvironment.Call.once("validate-all", timeout)), timeout, false);
        if (r.timedOut()) return Optional.of(AgentResult.timeout(type + " validate-all: " + r.describe()));
        if (r.exitCode() == 0) return Optional.empty();
        AgentResult mapped = OcfExit.toResult(Operation.START, r.exitCode(), ScriptCall.lastWords(r));
        return Optional.of(new AgentResult(mapped.status(), type + " validate-all: " + mapped.detail()));
    }

    private AgentResult call(Operation op, OcfEnvironment.Call call) {
        ProcessRunner.Result r = script.run(call.action(), env(call), call.timeout(), false);
        if (r.timedOut()) return AgentResult.timeout(type + " " + call.action() + ": " + r.describe());
        AgentResult mapped = OcfExit.toResult(op, r.exitCode(), ScriptCall.lastWords(r));
        return mapped.detail().isEmpty() ? mapped : new AgentResult(mapped.status(), type + " " + call.action() + ": " + mapped.detail());
    }

    /** The daemon's variables first, so that no OCF variable can be overridden by them; the marker over them. */
    private Map<String, String> env(OcfEnvironment.Call call) {
        Map<String, String> env = new java.util.TreeMap<>(environment);
        env.put(MarkedProcesses.VARIABLE, marker);
        env.putAll(OcfEnvironment.of(root, type, instance, params, call));
        return env;
    }

    private Optional<AgentResult> notInstalled() {
        if (root.installed(type)) return Optional.empty();
        return Optional.of(AgentResult.configError(type + " is not installed on this node: no executable "
                + root.script(type) + " (Debian: apt-get install resource-agents) [this node cannot run it]"));
    }

    /** For address agents: the address the guard deletes if the daemon dies while it is up. */
    private void learnForceOff() {
        if (!type.provider().equals("heartbeat") || !ADDRESS_AGENTS.contains(type.type())) return;
        Optional<String> ip = Optional.ofNullable(params.get("ip")).map(String::strip);
        if (ip.isEmpty()) return;
        Optional<String> len = Optional.ofNullable(params.get("cidr_netmask")).map(String::strip).filter(s -> s.matches("\\d{1,2}"))
                .or(() -> AddressLookup.prefixLength(prefix, ip.get(), ADDRESS_LOOKUP_TIMEOUT));
        if (len.isEmpty()) return;
        try {
            addressOff = List.of(new ForceOff.RemoveAddress(ip.get() + "/" + len.get()));
        } catch (IllegalArgumentException e) {
            return; // an IPv6 address or a name: the guard removes IPv4 addresses only
        }
        forceOffListeners.forEach(Runnable::run);
    }
}
