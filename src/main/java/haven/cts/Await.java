package haven.cts;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded waits: every wait of a step has a timeout, and a timeout is a step failure naming what was awaited. */
final class Await {
    private Await() {}

    /**
     * Milliseconds until {@code done} held; StepFailed after {@code timeout}. Polled every 25 ms: each look into
     * the namespaces forks `ip`, and a tighter loop would take CPU from the daemons being measured.
     */
    static long until(String what, Duration timeout, BooleanSupplier done) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new StepFailed(what + " did not happen within " + timeout.toMillis() + " ms");
            }
            sleep(25);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StepFailed("interrupted");
        }
    }

    static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
