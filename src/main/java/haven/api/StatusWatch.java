package haven.api;

import haven.node.NodeStatus;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Lets request threads wait for the node's next status snapshots (a message committed, a barrier released)
 * instead of polling: the daemon signals every publication. A waiter looks again at least every
 * {@link #RECHECK_MS} anyway, so a publication it was not told of (a test's status) only costs latency.
 */
final class StatusWatch {
    static final long RECHECK_MS = 50;
    private final Supplier<NodeStatus> status;
    private final Object lock = new Object();
    private long publications;

    StatusWatch(Supplier<NodeStatus> status) {
        this.status = status;
    }

    void published() {
        synchronized (lock) {
            publications++;
            lock.notifyAll();
        }
    }

    /** The first snapshot, now or later, that passes {@code test}; empty once {@code deadlineNanos} (System.nanoTime) has passed. */
    Optional<NodeStatus> await(Predicate<NodeStatus> test, long deadlineNanos) throws InterruptedException {
        while (true) {
            long seen;
            synchronized (lock) {
                seen = publications;
            }
            NodeStatus s = status.get();
            if (test.test(s)) return Optional.of(s);
            long leftMs = (deadlineNanos - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) return Optional.empty();
            synchronized (lock) {
                if (publications == seen) lock.wait(Math.min(leftMs, RECHECK_MS));
            }
        }
    }
}
