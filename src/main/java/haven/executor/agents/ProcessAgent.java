package haven.executor.agents;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.core.ForceOff;
import haven.executor.ResourceAgent;
import haven.process.ProcessGroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Type {@code process}: supervises one foreground command, run by {@code /bin/sh -c} in a process group of
 * its own. Parameters: {@code command} (required), {@code check} ({@code http://HOST:PORT/PATH} or
 * {@code tcp:HOST:PORT}), {@code cwd}, {@code log} (absolute file for its output; else the daemon's
 * stdout with a {@code [resource]} prefix).
 *
 * <p>Exit is noticed at once (Process.onExit), not at the next monitor: the failure listener is called
 * with the exit status, and what is left of the group (nginx workers whose master died, still holding the
 * port) is killed so that a restart here or elsewhere can bind again.
 *
 * <p>The command must stay in the foreground: a daemon that detaches starts a session of its own, and its
 * leader's exit looks like a failure (which it is, for supervision).
 *
 * <p>What to kill is known before the start ({@link ResourceMarks}): the guard is told it first, so a daemon
 * killed before it could report the new group leaves nothing behind; and a start, a stop or a probe that finds
 * marked processes this agent did not launch (an earlier daemon's) ends them, or reports them.
 *
 * <p>Thread safety: operations come one at a time from the executor; the exit callback runs on the JDK's
 * process reaper thread. Both meet under {@code lock}.
 */
public final class ProcessAgent implements ResourceAgent {
    public static final String TYPE = "process";
    static final List<String> PARAMS = List.of("command", "check", "cwd", "log");
    /** The placement generation of this run, for programs that fence stale writers by epoch. */
    public static final String GENERATION_VARIABLE = "HAVEN_GENERATION";
    static final Duration POLL = Duration.ofMillis(20);
    /** Without a check, a process that stayed up this long counts as started. */
    static final Duration MIN_UPTIME = Duration.ofMillis(100);
    /** After an unexpected exit, leftovers get this long after SIGTERM before SIGKILL. */
    static final Duration LEFTOVER_GRACE = Duration.ofMillis(200);
    static final Duration KILL_WAIT = Duration.ofSeconds(2);
    static final Duration OUTPUT_DRAIN_LIMIT = Duration.ofMillis(200);
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(1);
    private static final int FAILURE_LINES = 5;
    private static final System.Logger LOG = System.getLogger(ProcessAgent.class.getName());

    private enum State { STOPPED, STARTING, RUNNING, STOPPING, FAILED }

    /** One launch: the group, and where its output went. */
    private record Launch(ProcessGroup group, ProcessOutput output) {
        boolean alive() {
            return group.process().isAlive();
        }
    }

    private final String resource;
    private final String command;
    private final Optional<HealthCheck> check;
    private final Optional<Path> cwd;
    private final Optional<Path> log;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<Runnable> forceOffListeners = new CopyOnWriteArrayList<>();

    private final Map<String, String> environment;
    private final ResourceMarks marks;
    private final Object lock = new Object();
    private State state = State.STOPPED;
    private Launch current;
    private String failure = "";

    public ProcessAgent(ResourceConfig rc) {
        this(rc, Map.of());
    }

    /** {@code environment}: variables added for the command, e.g. HAVEN_NODE, the node it runs on. */
    public ProcessAgent(ResourceConfig rc, Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        Params p = Params.of(rc, PARAMS);
        this.resource = rc.id().name();
        this.marks = new ResourceMarks(resource, environment);
        this.command = p.required("command", "/usr/sbin/nginx -g 'daemon off;'");
        try {
            this.check = p.optional("check").map(HealthCheck::parse);
        } catch (IllegalArgumentException e) {
            throw p.invalid("check", e.getMessage());
        }
        this.cwd = p.optionalAbsolutePath("cwd");
        this.log = p.optionalAbsolutePath("log");
    }

    @Override
    public void onUnexpectedFailure(Consumer<String> listener) {
        listeners.add(listener);
    }

    @Override
    public void onForceOffChanged(Runnable listener) {
        forceOffListeners.add(listener);
    }

    /**
     * The process group of the current run (its members are the resource, whoever their parent is now), and the
     * marker, known before any start: what a start in flight launches carries it.
     */
    @Override
    public List<ForceOff> forceOff() {
        synchronized (lock) {
            if (current == null) return marks.steps();
            List<ForceOff> all = new java.util.ArrayList<>(List.of(new ForceOff.KillGroup(current.group().pgid())));
            all.addAll(marks.steps());
            return List.copyOf(all);
        }
    }

    /** The value of {@code HAVEN_RESOURCE} in this resource's processes. */
    public String marker() {
        return marks.marker();
    }

    @Override
    public AgentResult start(Duration timeout) {
        return start(timeout, 0);
    }

    @Override
    public AgentResult start(Duration timeout, long generation) {
        long startNs = System.nanoTime();
        long deadline = startNs + timeout.toNanos();
        Launch old;
        synchronized (lock) {
            old = current;
            if (state == State.RUNNING && old != null && old.alive()) {
                Optional<String> sick = probe(timeout);
                return sick.map(why -> AgentResult.failed("already running but unhealthy: " + why)).orElse(AgentResult.ok());
            }
        }
        if (old != null && !old.group().terminate(Duration.ZERO, KILL_WAIT)) {
            return AgentResult.failed("processes of the previous run survive SIGKILL: " + old.group().livingMembers());
        }
        // An earlier daemon's run (killed as it started this) would hold the port, and answer the check for us.
        Optional<String> stale = marks.endLeftovers(LEFTOVER_GRACE, KILL_WAIT, LOG, resource);
        if (stale.isPresent()) return AgentResult.failed(stale.get());
        Launch launch;
        try {
            launch = launch(generation);
        } catch (IOException e) {
            synchronized (lock) {
                state = State.STOPPED;
                current = null;
            }
            return AgentResult.configError("cannot start '" + command + "': " + e.getMessage());
        }
        synchronized (lock) {
            current = launch;
            state = State.STARTING;
            failure = "";
        }
        // At once, not after the start settles: a daemon killed while its service starts must not leave it behind.
        forceOffListeners.forEach(Runnable::run);
        launch.group().process().onExit().thenRun(() -> exited(launch));
        try {
            return awaitStarted(launch, startNs, deadline, timeout);
        } catch (ProcessGroup.CancelledException e) {
            abandoned(launch);
            throw e;
        }
    }

    /** The executor gave up on this start (interrupt): leave nothing half-started behind. */
    private void abandoned(Launch launch) {
        boolean wasInterrupted = Thread.interrupted(); // clear it, or the cleanup's own waits end at once
        boolean gone = launch.group().kill(KILL_WAIT);
        synchronized (lock) {
            state = gone ? State.STOPPED : State.FAILED;
            failure = "start abandoned by the executor; process group " + (gone ? "killed" : "still has " + launch.group().livingMembers());
        }
        if (wasInterrupted) Thread.currentThread().interrupt();
    }

    private Launch launch(long generation) throws IOException {
        if (cwd.isPresent() && !Files.isDirectory(cwd.get())) throw new IOException("cwd " + cwd.get() + " is not a directory");
        ProcessOutput output = log.map(ProcessOutput::toLogFile).orElseGet(() -> ProcessOutput.toStdout(resource));
        ProcessBuilder builder = marks.launch(command);
        cwd.ifPresent(d -> builder.directory(d.toFile()));
        builder.environment().putAll(environment);
        if (generation > 0) builder.environment().put(GENERATION_VARIABLE, Long.toString(generation));
        output.configure(builder);
        ProcessGroup group = ProcessGroup.start(builder);
        output.attach(group.process());
        return new Launch(group, output);
    }

    /** Polls until started (check passes, or up MIN_UPTIME without a check), exited, or past the deadline. */
    private AgentResult awaitStarted(Launch launch, long startNs, long deadline, Duration timeout) {
        String lastProbe = "not probed yet";
        while (true) {
            if (!launch.alive()) return failedStart(launch);
            long now = System.nanoTime();
            boolean ready;
            if (check.isEmpty()) {
                ready = now - startNs >= MIN_UPTIME.toNanos();
            } else {
                Duration left = Duration.ofNanos(Math.max(1_000_000, deadline - now));
                Optional<String> sick = check.get().probe(left.compareTo(PROBE_LIMIT) < 0 ? left : PROBE_LIMIT);
                ready = sick.isEmpty();
                if (sick.isPresent()) lastProbe = sick.get();
            }
            if (ready) {
                synchronized (lock) {
                    // Checked under the lock: if it died just now, exited() saw STARTING and left it to us.
                    if (launch.alive()) {
                        state = State.RUNNING;
                        return AgentResult.ok();
                    }
                }
                return failedStart(launch);
            }
            if (System.nanoTime() >= deadline) return timedOutStart(launch, timeout, lastProbe);
            sleep(POLL);
        }
    }

    private AgentResult failedStart(Launch launch) {
        boolean gone = launch.group().terminate(LEFTOVER_GRACE, KILL_WAIT);
        launch.output().awaitDrained(OUTPUT_DRAIN_LIMIT);
        String why = "exited during start with " + exitDescription(launch) + lastOutput(launch);
        synchronized (lock) {
            state = gone ? State.STOPPED : State.FAILED;
            failure = why;
        }
        return AgentResult.failed(why);
    }

    private AgentResult timedOutStart(Launch launch, Duration timeout, String lastProbe) {
        boolean gone = launch.group().terminate(LEFTOVER_GRACE, KILL_WAIT);
        launch.output().awaitDrained(OUTPUT_DRAIN_LIMIT);
        String why = "not started within " + timeout.toMillis() + " ms (" + (check.isPresent() ? "last check: " + lastProbe : "still starting")
                + "); process group " + (gone ? "killed" : "still has " + launch.group().livingMembers()) + lastOutput(launch);
        synchronized (lock) {
            state = gone ? State.STOPPED : State.FAILED;
            failure = why;
        }
        return AgentResult.timeout(why);
    }

    /** Runs on the JDK's process reaper thread the moment the leader exits. */
    private void exited(Launch launch) {
        String why;
        synchronized (lock) {
            if (current != launch || state != State.RUNNING) return; // an expected exit (stop) or start handles it
            why = "process exited unexpectedly with " + exitDescription(launch) + lastOutput(launch);
            state = State.FAILED;
            failure = why;
        }
        // Leftovers would keep the port; end them without holding the reaper thread.
        Thread.ofVirtual().name("reap-" + resource).start(() -> {
            if (!launch.group().terminate(LEFTOVER_GRACE, KILL_WAIT)) {
                LOG.log(System.Logger.Level.WARNING, resource + ": leftover processes survive SIGKILL: " + launch.group().livingMembers());
            }
        });
        // Listeners first: recovery waits on them, the log line can wait (the first one loads the logging system).
        for (Consumer<String> l : listeners) {
            try {
                l.accept(why);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, resource + ": failure listener threw", e);
            }
        }
        LOG.log(System.Logger.Level.INFO, resource + ": " + why);
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        Launch launch;
        synchronized (lock) {
            switch (state) {
                case STOPPED:
                    List<Long> leftovers = marks.find();
                    return leftovers.isEmpty() ? AgentResult.notRunning()
                            : AgentResult.failed(leftovers.size() + " processes of " + marks.marker() + " run here that this daemon did not"
                                    + " start (left over from an earlier run): " + leftovers);
                case FAILED:
                    return AgentResult.failed(failure);
                case STARTING, STOPPING:
                    return AgentResult.failed("monitor during " + state.name().toLowerCase() + " (operations overlap)");
                case RUNNING:
                    break;
            }
            launch = current;
        }
        if (!launch.alive()) return AgentResult.failed("process exited with " + exitDescription(launch));
        return probe(timeout).map(why -> AgentResult.failed("check failing: " + why)).orElse(AgentResult.ok());
    }

    @Override
    public AgentResult stop(Duration timeout) {
        Launch launch;
        synchronized (lock) {
            launch = current;
            if (launch != null) state = State.STOPPING;
        }
        if (launch == null) {
            Optional<String> stale = marks.endLeftovers(LEFTOVER_GRACE, KILL_WAIT, LOG, resource);
            synchronized (lock) {
                state = stale.isPresent() ? State.FAILED : State.STOPPED;
                if (stale.isPresent()) failure = stale.get();
            }
            return stale.map(AgentResult::timeout).orElse(AgentResult.ok());
        }
        // Keep a quarter of the time (at most a second) for SIGKILL, the rest is the polite SIGTERM grace.
        Duration killReserve = min(timeout.dividedBy(4), Duration.ofSeconds(1));
        boolean gone = launch.group().terminate(timeout.minus(killReserve), killReserve);
        synchronized (lock) {
            if (gone) {
                state = State.STOPPED;
                current = null;
                failure = "";
                marks.forgetGroup();
                return AgentResult.ok();
            }
            state = State.FAILED;
            failure = "processes survive SIGKILL: " + launch.group().livingMembers();
            return AgentResult.timeout("stop did not end process group " + launch.group().pgid() + ": " + failure);
        }
    }

    private Optional<String> probe(Duration timeout) {
        return check.isEmpty() ? Optional.empty() : check.get().probe(timeout);
    }

    private static String exitDescription(Launch launch) {
        Process p = launch.group().process();
        if (p.isAlive()) return "(still running)";
        int code = p.exitValue();
        // The JDK reports death by signal N as 128+N, as shells do.
        if (code > 128 && code < 128 + 65) return "signal " + (code - 128) + signalName(code - 128) + " (status " + code + ")";
        return "exit code " + code;
    }

    private static String signalName(int sig) {
        return switch (sig) {
            case 1 -> " SIGHUP";
            case 2 -> " SIGINT";
            case 6 -> " SIGABRT";
            case 9 -> " SIGKILL";
            case 11 -> " SIGSEGV";
            case 15 -> " SIGTERM";
            default -> "";
        };
    }

    private static String lastOutput(Launch launch) {
        String lines = launch.output().lastLines(FAILURE_LINES);
        return lines.isBlank() ? "" : "; last output: " + lines.replace('\n', '|');
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessGroup.CancelledException("interrupted");
        }
    }
}
