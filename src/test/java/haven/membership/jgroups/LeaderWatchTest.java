package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.jgroups.Address;
import org.jgroups.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The leader watch on a real timer thread, its clock set by the test: fast polls after a view, then only beat ticks. */
class LeaderWatchTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong now = new AtomicLong(1_000);
    private final AtomicReference<Address> leader = new AtomicReference<>();
    private final AtomicInteger polls = new AtomicInteger();
    private final List<Optional<NodeId>> told = new CopyOnWriteArrayList<>();
    private final Address n2 = UUID.randomUUID();
    private final LeaderWatch watch = new LeaderWatch(timer, now::get, () -> {
        polls.incrementAndGet();
        return leader.get();
    }, a -> a == n2 ? Optional.of(NodeId.of("n2")) : Optional.empty(), (l, a) -> told.add(l));

    @AfterEach
    void stop() {
        timer.shutdownNow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 10 s: " + what);
            Thread.sleep(5);
        }
    }

    private void tickOnTimer() throws Exception {
        timer.submit(watch::beatTick).get(5, TimeUnit.SECONDS);
    }

    @Test
    void pollsFastAfterAViewAndThenOnlyAtTheBeats() throws Exception {
        watch.start();
        watch.viewChanged(now.get());
        int before = polls.get();
        await(() -> polls.get() >= before + 5, "polled again and again without a beat");
        leader.set(n2);
        await(() -> told.equals(List.of(Optional.of(NodeId.of("n2")))), "the new leader told at once");

        now.addAndGet(LeaderWatch.FAST_FOR_MS); // the view is old now: the fast chain ends at its next poll
        int settled = polls.get();
        await(() -> {
            int p = polls.get();
            try {
                Thread.sleep(5 * LeaderWatch.FAST_MS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return polls.get() == p;
        }, "the fast polls stop");
        assertThat(polls.get()).isGreaterThanOrEqualTo(settled);

        int quiet = polls.get();
        tickOnTimer();
        assertThat(polls.get()).as("a beat tick polls once").isEqualTo(quiet + 1);
        leader.set(null);
        tickOnTimer();
        assertThat(told).as("a lost leader is told at the next beat").endsWith(Optional.empty());

        watch.viewChanged(now.get()); // no leader and a new view: fast again, and the beat ticks leave it alone
        int fastAgain = polls.get();
        tickOnTimer();
        await(() -> polls.get() >= fastAgain + 5, "fast polls after the new view");
    }
}
