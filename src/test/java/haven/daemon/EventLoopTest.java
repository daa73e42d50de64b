package haven.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import haven.core.Ticker;
import haven.core.WallClock;
import haven.node.Effect;
import haven.node.NodeCore;
import haven.node.NodeEvent;
import haven.node.TestClustersAccess;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real loop thread on the real clock, one node (n2) whose peers' beats the test sends: while quiet it
 * leaves beats queued and steps a few times a second; anything else wakes it at once. Bounds are wide (a
 * step for every beat would be 25 a second, and ticks 50 more) so that a loaded machine does not fail it.
 */
class EventLoopTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final List<NodeId> ALL = List.of(N1, N2, N3);

    final AtomicInteger steps = new AtomicInteger();
    final List<List<Effect>> effects = new CopyOnWriteArrayList<>();
    final EventLoop loop = new EventLoop(new NodeCore(TestClustersAccess.oneGroup(), N2), Ticker.SYSTEM, WallClock.SYSTEM,
            out -> effects.add(out), status -> steps.incrementAndGet());

    @AfterEach
    void stop() {
        loop.stop();
    }

    void beats() {
        long now = Ticker.SYSTEM.nowMs();
        loop.enqueue(new NodeEvent.Beat(N1, "v1", ALL, 0, now, OptionalLong.empty()));
        loop.enqueue(new NodeEvent.Beat(N3, "v1", ALL, 0, now, OptionalLong.empty()));
    }

    /** Beats every 80 ms for {@code ms}; how many steps the loop took meanwhile. */
    int stepsWhileBeating(long ms) throws InterruptedException {
        int before = steps.get();
        long end = System.nanoTime() + ms * 1_000_000;
        while (System.nanoTime() < end) {
            beats();
            Thread.sleep(80);
        }
        return steps.get() - before;
    }

    @Test
    void aQuietNodeLeavesBeatsQueuedAndAnythingElseWakesItAtOnce() throws Exception {
        loop.start();
        loop.enqueue(new NodeEvent.ViewChanged("v1", ALL, Ticker.SYSTEM.nowMs()));
        int busy = stepsWhileBeating(1_000);
        assertThat(busy).as("busy after the view: a step per beat and a 20 ms tick").isGreaterThan(30);
        stepsWhileBeating(haven.node.Stepping.BUSY_FOR_MS + 500);
        int quiet = stepsWhileBeating(2_000);
        assertThat(quiet).as("quiet: at most a step per quiet tick or lease decision").isBetween(2, 25);
        assertThat(effects).as("the lease held throughout: nothing given up")
                .noneMatch(out -> out.stream().anyMatch(e -> e instanceof Effect.Note n && n.text().startsWith("quorum lease lost")));

        // Right after a quiet step the next one is 100 ms or more away: a step within 80 ms is the event's own.
        int seen = steps.get();
        long waitUntil = System.nanoTime() + 5_000_000_000L;
        while (steps.get() == seen && System.nanoTime() < waitUntil) Thread.sleep(1);
        int before = steps.get();
        long sentNs = System.nanoTime();
        loop.enqueue(new NodeEvent.Reachability(1));
        while (steps.get() == before && System.nanoTime() - sentNs < 5_000_000_000L) Thread.sleep(1);
        assertThat((System.nanoTime() - sentNs) / 1_000_000).as("ms until the loop stepped for a non-beat event").isLessThan(80);
    }
}
