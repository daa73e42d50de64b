package haven.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * A running {@link Prober} in the client namespace and the results it has sent so far.
 * Thread-safe: a reader thread appends results, any thread may query them.
 */
public final class ProberProcess implements AutoCloseable {
    private final Process process;
    private final List<ProbeResult> results = new ArrayList<>();

    private ProberProcess(Process process) {
        this.process = process;
        Thread.ofPlatform().daemon().name("prober-reader").start(this::readResults);
    }

    public static ProberProcess start(LabLayout layout, HavenRuntime runtime) {
        List<String> cmd = Netns.execIn(layout.clientNamespace(), runtime.javaCommand(HavenRuntime.proberOptions(),
                Prober.class.getName(), List.of(layout.vip(), "10", "300")).toArray(String[]::new));
        try {
            return new ProberProcess(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        } catch (IOException e) {
            throw new LabException("cannot start the prober in " + layout.clientNamespace() + ": " + e.getMessage());
        }
    }

    private void readResults() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                ProbeResult.parse(line).ifPresent(p -> {
                    synchronized (results) {
                        results.add(p);
                    }
                });
            }
        } catch (IOException e) {
            // process ended
        }
    }

    public List<ProbeResult> results() {
        synchronized (results) {
            return List.copyOf(results);
        }
    }

    /** The earliest-answered result sent at or after {@code sinceNanos} that matches. */
    public Optional<ProbeResult> firstAnswerSentAfter(long sinceNanos, Predicate<ProbeResult> matching) {
        return results().stream().filter(p -> p.startNanos() >= sinceNanos && matching.test(p))
                .min(java.util.Comparator.comparingLong(ProbeResult::endNanos));
    }

    /** Waits for a good answer sent after {@code sinceNanos}; empty on timeout. */
    public Optional<ProbeResult> awaitGoodAnswer(long sinceNanos, Duration timeout) {
        return awaitAnswer(sinceNanos, timeout, ProbeResult::ok);
    }

    /** The first good answer sent after {@code sinceNanos} that did not come from node {@code name}. */
    public Optional<ProbeResult> awaitGoodAnswerNotFrom(String name, long sinceNanos, Duration timeout) {
        return awaitAnswer(sinceNanos, timeout, r -> r.ok() && !r.detail().equals("served by " + name));
    }

    private Optional<ProbeResult> awaitAnswer(long sinceNanos, Duration timeout, java.util.function.Predicate<ProbeResult> wanted) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<ProbeResult> r = firstAnswerSentAfter(sinceNanos, wanted);
            if (r.isPresent()) {
                return r;
            }
            if (!process.isAlive()) {
                throw new LabException("the prober exited with code " + process.exitValue());
            }
            Pids.sleep(5);
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        process.destroy();
        try {
            if (!process.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
