package haven.guard;

import haven.core.ResourceId;
import haven.core.ForceOff;
import haven.process.ProcessGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The daemon's end of its guard: starts the guard process (the native haven-guard, or a JVM of its own where that
 * was not built: {@link GuardCommand}), in a session of its own so a terminal's Ctrl-C or a signal to the daemon's
 * group does not reach it; writes what the guard must know, and starts a new guard, told everything again, if the
 * old one dies.
 *
 * <p>Writes are synchronous and small; the guard's reader thread drains the pipe at once, so a write blocks
 * only if the guard is frozen with a full pipe (64 KiB, minutes of pets), which the restart covers.
 *
 * <p>Thread safety: every method is synchronized; the event loop and agent threads both call in.
 */
public final class GuardLink implements AutoCloseable {
    public static final Duration HANG_LIMIT = Duration.ofSeconds(5);
    static final Duration ALIVE_EVERY = Duration.ofMillis(100);
    /** A guard that dies more often than this within {@link #RESTART_WINDOW} is given up, and the node with it. */
    public static final int MAX_RESTARTS = 10;
    public static final Duration RESTART_WINDOW = Duration.ofMinutes(1);
    static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    /**
     * The guard reads ten short lines a second and, at most once, runs a few commands: nothing it does is worth
     * compiling, so it runs interpreted (-Xint: no code cache to fill, no compiler thread) and loads only the JDK
     * classes it uses instead of mapping the JDK's whole class archive (-Xshare:off). Its RSS went from 50 MB to
     * 38 MB; start (0.5 s to 0.8 s on a loaded host) and force-off times did not change beyond noise (the table in
     * docs/design.md, "JVM options"). The heap starts at 2 MB and may grow to 16.
     */
    static final List<String> JVM_OPTIONS = List.of("-Xms2m", "-Xmx16m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Xint", "-Xshare:off");

    private final String node;
    private final Optional<java.nio.file.Path> watchdog;
    private final Map<ResourceId, List<ForceOff>> armed = new TreeMap<>();
    private long deadlineMs = Long.MIN_VALUE;
    private long lastWriteMs = Long.MIN_VALUE;
    private Process process;
    private OutputStream pipe;
    private boolean closing = false;
    private final RestartWindow restarts;
    private int restartCount = 0;
    /** The pipe broke and that was logged: one line per dead guard, not one per write (a thousand in 20 s). */
    private boolean pipeBroken = false;
    private boolean givenUp = false;
    private Runnable onGivenUp = () -> { };

    private GuardLink(String node, Optional<java.nio.file.Path> watchdog, RestartWindow restarts) {
        this.node = node;
        this.watchdog = watchdog;
        this.restarts = restarts;
    }

    /** Starts the guard; IOException when it cannot be (no java binary to run it with). */
    public static GuardLink start(String node) throws IOException {
        return start(node, Optional.empty());
    }

    /** With {@code watchdog}, the guard also pets that device (e.g. /dev/watchdog); see {@link Watchdog}. */
    public static GuardLink start(String node, Optional<java.nio.file.Path> watchdog) throws IOException {
        return start(node, watchdog, new RestartWindow(MAX_RESTARTS, RESTART_WINDOW.toMillis()));
    }

    static GuardLink start(String node, Optional<java.nio.file.Path> watchdog, RestartWindow restarts) throws IOException {
        GuardLink link = new GuardLink(node, watchdog, restarts);
        synchronized (link) {
            link.launch();
        }
        return link;
    }

    public synchronized void arm(ResourceId resource, List<ForceOff> steps) {
        armed.put(resource, List.copyOf(steps));
        send(new GuardMessage.Arm(resource, steps));
    }

    /**
     * Called (on a thread of its own) once the guard is given up: it died more than {@link #MAX_RESTARTS} times
     * within {@link #RESTART_WINDOW}, or could not be started again. By then this link has forced off everything
     * armed, as the guard would have; a node without a guard must not keep resources, so the daemon leaves.
     */
    public synchronized void onGivenUp(Runnable listener) {
        onGivenUp = listener;
    }

    /** Whether the guard was given up (see {@link #onGivenUp}). */
    public synchronized boolean givenUp() {
        return givenUp;
    }

    /** The running guard's PID (tests kill it). */
    synchronized long guardPid() {
        return process.pid();
    }

    /** Tells the guard new steps for a resource it already guards; ignored for one it does not. */
    public synchronized void update(ResourceId resource, List<ForceOff> steps) {
        if (armed.containsKey(resource)) arm(resource, steps);
    }

    public synchronized void disarm(ResourceId resource) {
        if (armed.remove(resource) != null) send(new GuardMessage.Disarm(resource));
    }

    public synchronized void deadline(long atMs) {
        deadlineMs = atMs;
        send(new GuardMessage.Deadline(atMs));
    }

    /** Called on every turn of the event loop; writes at most every {@link #ALIVE_EVERY}. */
    public synchronized void alive(long nowMs) {
        if (lastWriteMs == Long.MIN_VALUE || nowMs - lastWriteMs >= ALIVE_EVERY.toMillis()) send(new GuardMessage.Alive());
    }

    /** The daemon stops its resources politely now and will not pet any more; force off what is left at {@code atMs}. */
    public synchronized void shutdown(long atMs) {
        deadlineMs = atMs;
        send(new GuardMessage.Shutdown(atMs));
    }

    /** Orderly end: the guard forces off what is still armed, then exits; waits for that. */
    @Override
    public void close() {
        Process p;
        synchronized (this) {
            closing = true;
            send(new GuardMessage.Bye());
            p = process;
            try {
                pipe.close();
            } catch (IOException e) {
                // the guard is gone already: nothing to tell it
            }
        }
        try {
            if (!p.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log("guard did not exit within " + EXIT_WAIT.toSeconds() + " s; killing it");
                p.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(GuardMessage m) {
        try {
            pipe.write((m.line() + "\n").getBytes(StandardCharsets.UTF_8));
            pipe.flush();
            lastWriteMs = System.nanoTime() / 1_000_000L;
        } catch (IOException e) {
            // The guard died; its exit handler starts a new one and tells it everything.
            if (!pipeBroken) log("guard pipe broke (" + e.getMessage() + "); further writes to this guard are not logged");
            pipeBroken = true;
        }
    }

    private void launch() throws IOException {
        List<String> args = new ArrayList<>(List.of(String.valueOf(ProcessHandle.current().pid()), String.valueOf(HANG_LIMIT.toMillis()), node));
        watchdog.ifPresent(w -> args.add(w.toString()));
        GuardCommand.Choice guard = GuardCommand.choose(args);
        ProcessBuilder builder = new ProcessBuilder(guard.argv())
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = ProcessGroup.start(builder).process();
        log("started " + guard.description() + ", PID " + p.pid());
        process = p;
        pipe = p.getOutputStream();
        pipeBroken = false;
        p.onExit().thenRun(() -> exited(p));
        if (deadlineMs != Long.MIN_VALUE) send(new GuardMessage.Deadline(deadlineMs));
        armed.forEach((r, steps) -> send(new GuardMessage.Arm(r, steps)));
    }

    private synchronized void exited(Process p) {
        if (closing || p != process) return;
        restartCount++;
        if (!restarts.died(System.nanoTime() / 1_000_000L)) {
            giveUp("GUARD EXITED again (status " + p.exitValue() + "), " + restarts.recent() + " times within "
                    + RESTART_WINDOW.toSeconds() + " s; see the guard's lines above");
            return;
        }
        log("GUARD EXITED with status " + p.exitValue() + " (restart " + restartCount + ", " + restarts.recent() + " within "
                + RESTART_WINDOW.toSeconds() + " s); starting a new one");
        try {
            launch();
        } catch (IOException e) {
            giveUp("CANNOT RESTART THE GUARD: " + e.getMessage());
        }
    }

    /**
     * Without a guard a daemon that freezes keeps its resources while the others start them (8 s of a VIP on
     * two nodes in the lab): end them now, as the guard would, and let the daemon leave. With a watchdog the
     * device gets no more pets, so the kernel resets the machine too.
     */
    private void giveUp(String why) {
        givenUp = true;
        log(why + ": GIVING UP THE GUARD; forcing off " + armed.keySet() + " here and leaving the cluster"
                + watchdog.map(w -> "; nothing pets the watchdog " + w + " any more: the kernel will reset this machine").orElse(""));
        ForceOffRunner.Report report = new ForceOffRunner().runAll(new TreeMap<>(armed));
        report.lines().forEach(this::log);
        if (!report.ok()) log("SOME FORCE-OFF STEPS FAILED: resources above may still run here");
        Runnable listener = onGivenUp;
        Thread.ofPlatform().name("guard-given-up").start(listener);
    }

    private void log(String text) {
        System.out.println(java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS"))
                + " " + node + ": " + text);
    }
}
