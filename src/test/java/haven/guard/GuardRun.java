package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;

import haven.process.MarkedProcesses;
import haven.process.ProcessGroup;
import haven.process.RecordedGroup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One guard process (native or Java) under test, with what the scenario started for it: a stand-in daemon, services
 * in process groups of their own, marked processes. Everything is ended by PID when the run closes.
 */
final class GuardRun implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(10);
    final GuardKind kind;
    final Path dir;
    Process process;
    Process daemon;
    private final List<Process> started = new ArrayList<>();
    private final List<String> markers = new ArrayList<>();
    /** Process ids in the log, put in words so that two runs' logs compare. */
    private final Map<Long, String> names = new HashMap<>();
    private int syncs = 0;
    /** Set by a scenario whose lines may come in either order (two sweeps racing two starts). */
    boolean unordered = false;

    GuardRun(GuardKind kind, Path dir) {
        this.kind = kind;
        this.dir = dir;
    }

    static long now() {
        return System.nanoTime() / 1_000_000L;
    }

    ProcessGroup service(String name) throws IOException {
        ProcessGroup g = ProcessGroup.start(new ProcessBuilder("sleep", "600"));
        started.add(g.process());
        names.put(g.pgid(), "GROUP-" + name);
        return g;
    }

    /** A marker no other test's processes carry. */
    String marker(String resource) {
        String m = "cg" + ProcessHandle.current().pid() + "/t1/" + resource;
        markers.add(m);
        return m;
    }

    /** A shell and its child, both carrying {@code marker}, as an OCF agent's daemon and its workers would. */
    ProcessGroup markedService(String marker) throws IOException {
        ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", "sleep 600 & exec sleep 600");
        b.environment().put(MarkedProcesses.VARIABLE, marker);
        ProcessGroup g = ProcessGroup.start(b);
        started.add(g.process());
        names.put(g.pgid(), "MARKED");
        return g;
    }

    /**
     * A marked process that does nothing but exec itself again, so that a look at /proc often finds it in the middle of
     * an exec, when its environment reads empty.
     */
    ProcessGroup markedReexec(String marker) throws IOException {
        Path script = dir.resolve("reexec.sh");
        java.nio.file.Files.writeString(script, "exec /bin/sh \"$0\"\n");
        ProcessBuilder b = new ProcessBuilder("/bin/sh", script.toString());
        b.environment().put(MarkedProcesses.VARIABLE, marker);
        ProcessGroup g = ProcessGroup.start(b);
        started.add(g.process());
        names.put(g.pgid(), "REEXEC");
        return g;
    }

    /** A group that records its id in {@code record} before it runs, as the daemon's process starts do. */
    ProcessGroup recordedService(Path record) throws IOException {
        ProcessGroup g = ProcessGroup.start(new ProcessBuilder(RecordedGroup.launcher(record, "sleep 600 & exec sleep 600")));
        started.add(g.process());
        names.put(g.pgid(), "RECORDED-" + record.getFileName());
        return g;
    }

    void start(long hangLimitMs) throws IOException {
        startIn(null, hangLimitMs);
    }

    /** Starts the guard (in network namespace {@code netns} if not null) for a stand-in daemon. */
    void startIn(String netns, long hangLimitMs) throws IOException {
        daemon = new ProcessBuilder("sleep", "600").start();
        started.add(daemon);
        names.put(daemon.pid(), "DAEMON");
        List<String> argv = new ArrayList<>();
        if (netns != null) argv.addAll(List.of("ip", "netns", "exec", netns));
        argv.addAll(kind.command(String.valueOf(daemon.pid()), String.valueOf(hangLimitMs), "t1"));
        process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("guard.log").toFile()).start();
        started.add(process);
    }

    void say(String... lines) throws IOException {
        for (String l : lines) process.getOutputStream().write((l + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().flush();
    }

    /** Returns once the guard has read everything said before: it answers a bad line in its log. */
    void sync() throws Exception {
        String word = "sync-" + (++syncs);
        say(word);
        awaitLog("unknown verb '" + word + "'");
    }

    String log() throws IOException {
        Path log = dir.resolve("guard.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    void awaitLog(String text) throws Exception {
        long until = System.nanoTime() + WAIT.toNanos();
        while (!log().contains(text) && System.nanoTime() < until) Thread.sleep(10);
        assertThat(log()).as("%s guard's log", kind).contains(text);
    }

    void awaitExit(int status) throws Exception {
        assertThat(process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("%s guard exited\n%s", kind, log()).isTrue();
        assertThat(process.exitValue()).as("%s guard's exit status", kind).isEqualTo(status);
    }

    /** Closes the pipe, as a daemon's death does, and waits for the guard's exit. */
    void close(int status) throws Exception {
        process.getOutputStream().close();
        awaitExit(status);
    }

    /** The guard's log with times and process ids put in words. */
    List<String> transcript() throws IOException {
        List<String> lines = log().lines().map(l -> l.replace(dir.toString(), "DIR")).toList();
        List<String> normal = GuardConformanceTest.normalize(lines, names);
        return unordered ? normal.stream().sorted().toList() : normal;
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : started) {
            ProcessGroup.membersOf(p.pid()).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        for (String m : markers) MarkedProcesses.terminate(m, Duration.ZERO, Duration.ofSeconds(2));
    }
}
