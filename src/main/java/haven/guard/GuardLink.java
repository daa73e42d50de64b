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
 * The daemon's end of its guard: starts the guard process (a JVM of its own, in a session of its own so a
 * terminal's Ctrl-C or a signal to the daemon's group does not reach it), writes what the guard must know,
 * and starts a new guard, told everything again, if the old one dies.
 *
 * <p>Writes are synchronous and small; the guard's reader thread drains the pipe at once, so a write blocks
 * only if the guard is frozen with a full pipe (64 KiB, minutes of pets), which the restart covers.
 *
 * <p>Thread safety: every method is synchronized; the event loop and agent threads both call in.
 */
public final class GuardLink implements AutoCloseable {
    public static final Duration HANG_LIMIT = Duration.ofSeconds(5);
    static final Duration ALIVE_EVERY = Duration.ofMillis(100);
    static final int MAX_RESTARTS = 10;
    static final Duration EXIT_WAIT = Duration.ofSeconds(10);
    private static final List<String> JVM_OPTIONS = List.of("-Xmx16m", "-Xss256k", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:-UsePerfData");

    private final String node;
    private final Optional<java.nio.file.Path> watchdog;
    private final Map<ResourceId, List<ForceOff>> armed = new TreeMap<>();
    private long deadlineMs = Long.MIN_VALUE;
    private long lastWriteMs = Long.MIN_VALUE;
    private Process process;
    private OutputStream pipe;
    private boolean closing = false;
    private int restarts = 0;

    private GuardLink(String node, Optional<java.nio.file.Path> watchdog) {
        this.node = node;
        this.watchdog = watchdog;
    }

    /** Starts the guard; IOException when it cannot be (no java binary to run it with). */
    public static GuardLink start(String node) throws IOException {
        return start(node, Optional.empty());
    }

    /** With {@code watchdog}, the guard also pets that device (e.g. /dev/watchdog); see {@link Watchdog}. */
    public static GuardLink start(String node, Optional<java.nio.file.Path> watchdog) throws IOException {
        GuardLink link = new GuardLink(node, watchdog);
        synchronized (link) {
            link.launch();
        }
        return link;
    }

    public synchronized void arm(ResourceId resource, List<ForceOff> steps) {
        armed.put(resource, List.copyOf(steps));
        send(new GuardMessage.Arm(resource, steps));
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
            log("guard pipe broke (" + e.getMessage() + ")");
        }
    }

    private void launch() throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IOException("cannot tell which java runs this daemon, so the guard cannot be started"));
        List<String> argv = new ArrayList<>(List.of(java));
        argv.addAll(JVM_OPTIONS);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), GuardMain.class.getName(),
                String.valueOf(ProcessHandle.current().pid()), String.valueOf(HANG_LIMIT.toMillis()), node));
        watchdog.ifPresent(w -> argv.add(w.toString()));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = ProcessGroup.start(builder).process();
        process = p;
        pipe = p.getOutputStream();
        p.onExit().thenRun(() -> exited(p));
        if (deadlineMs != Long.MIN_VALUE) send(new GuardMessage.Deadline(deadlineMs));
        armed.forEach((r, steps) -> send(new GuardMessage.Arm(r, steps)));
    }

    private synchronized void exited(Process p) {
        if (closing || p != process) return;
        restarts++;
        if (restarts > MAX_RESTARTS) {
            log("GUARD EXITED again (status " + p.exitValue() + "), " + MAX_RESTARTS + " restarts used up: resources here are"
                    + " unguarded if the daemon dies; see the guard's lines above");
            return;
        }
        log("GUARD EXITED with status " + p.exitValue() + " (restart " + restarts + "); starting a new one");
        try {
            launch();
        } catch (IOException e) {
            log("CANNOT RESTART THE GUARD: " + e.getMessage() + "; resources here are unguarded if the daemon dies");
        }
    }

    private void log(String text) {
        System.out.println(java.time.LocalTime.now().format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss.SSS"))
                + " " + node + ": " + text);
    }
}
