package haven.process;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short command (ip, arping, an OCF script's action) to completion with a timeout, in a process
 * group of its own, and returns its exit code and the tail of its combined stdout and stderr.
 *
 * <p>On timeout the whole group is ended (SIGTERM, then SIGKILL after {@code killGrace}), so children and
 * grandchildren the command left behind die with it, and the result says TIMEOUT.
 *
 * <p>Thread safety: stateless apart from its settings; {@link #run} may be called from many threads.
 * It blocks for at most the timeout plus the kill grace plus {@link #OUTPUT_DRAIN_LIMIT} (a little more if
 * a member ignores SIGKILL, bounded by {@link #KILL_WAIT_LIMIT}).
 */
public final class ProcessRunner {
    /** A child that keeps our output pipe open after the command exited does not hold us longer than this. */
    public static final Duration OUTPUT_DRAIN_LIMIT = Duration.ofMillis(500);
    /** How long to wait for the group to vanish after SIGKILL (processes in uninterruptible sleep). */
    public static final Duration KILL_WAIT_LIMIT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_KILL_GRACE = Duration.ofMillis(500);

    private final Duration killGrace;
    private final int outputLimitBytes;

    public ProcessRunner() {
        this(DEFAULT_KILL_GRACE, OutputTail.DEFAULT_CAPACITY_BYTES);
    }

    public ProcessRunner(Duration killGrace, int outputLimitBytes) {
        this.killGrace = killGrace;
        this.outputLimitBytes = outputLimitBytes;
    }

    /**
     * The outcome of one run. {@code exitCode} is the command's status (128+N when killed by signal N;
     * 127 when it could not be started); meaningless when {@code timedOut}.
     */
    public record Result(List<String> argv, int exitCode, boolean timedOut, String output, Duration elapsed) {
        public boolean ok() {
            return !timedOut && exitCode == 0;
        }

        /** One line for logs and agent results: the command, how it ended, and the last lines it printed. */
        public String describe() {
            String how = timedOut ? "timed out after " + elapsed.toMillis() + " ms" : "exited with " + exitCode;
            String tail = OutputTail.lastLinesOf(output, 5);
            return String.join(" ", argv) + ": " + how + (tail.isEmpty() ? "" : ": " + tail.replace('\n', ' '));
        }
    }

    public Result run(List<String> argv, Duration timeout) {
        return run(argv, Map.of(), timeout);
    }

    /** Runs {@code argv} with {@code env} added to the daemon's environment; never throws for command failures. */
    public Result run(List<String> argv, Map<String, String> env, Duration timeout) {
        long startNs = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        ProcessGroup group;
        try {
            group = ProcessGroup.start(builder);
        } catch (IOException e) {
            return new Result(List.copyOf(argv), 127, false, "cannot start: " + e.getMessage(), since(startNs));
        }
        OutputTail tail = new OutputTail(outputLimitBytes);
        Thread reader = Thread.ofVirtual().name("output-" + group.pgid()).start(() -> drain(group.process().getInputStream(), tail));
        boolean exited;
        try {
            exited = group.process().waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            // Our caller gave up on us: leave nothing running behind.
            group.kill(KILL_WAIT_LIMIT);
            Thread.currentThread().interrupt();
            throw new ProcessGroup.CancelledException("interrupted while running " + argv);
        }
        if (!exited) {
            group.terminate(killGrace, KILL_WAIT_LIMIT);
            joinQuietly(reader, OUTPUT_DRAIN_LIMIT);
            return new Result(List.copyOf(argv), -1, true, tail.text(), since(startNs));
        }
        joinQuietly(reader, OUTPUT_DRAIN_LIMIT);
        return new Result(List.copyOf(argv), group.process().exitValue(), false, tail.text(), since(startNs));
    }

    private static void drain(InputStream in, OutputTail tail) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) tail.write(buf, 0, n);
        } catch (IOException e) {
            // The pipe closed under us (process gone): what we read is what there is.
        }
    }

    private static void joinQuietly(Thread t, Duration limit) {
        try {
            t.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Duration since(long startNs) {
        return Duration.ofNanos(System.nanoTime() - startNs);
    }
}
