package haven.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Asks several peers at once and keeps what answered within a limit: each ask on a virtual thread of its own. (The
 * common fork-join pool has one thread on a two-core machine, so asks given to it ran one after another, and a dead
 * peer asked first used the whole limit before a live one was asked.)
 */
public final class AskAll {
    private AskAll() {}

    /** The answers that came within {@code limit}, in the order of {@code asks}; the late ones are interrupted. */
    public static <T> List<T> within(Duration limit, List<Supplier<Optional<T>>> asks) {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<Optional<T>>> pending = new ArrayList<>();
            for (Supplier<Optional<T>> ask : asks) pending.add(threads.submit(ask::get));
            long deadline = System.nanoTime() + limit.toNanos();
            List<T> out = new ArrayList<>();
            for (Future<Optional<T>> f : pending) {
                try {
                    f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).ifPresent(out::add);
                } catch (TimeoutException | ExecutionException e) {
                    // late or failed: counts for nothing
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return out;
        } finally {
            threads.shutdownNow(); // interrupts the late ones without waiting for them
        }
    }
}
