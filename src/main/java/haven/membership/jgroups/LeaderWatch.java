package haven.membership.jgroups;

import haven.core.NodeId;
import haven.core.Ticker;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jgroups.Address;

/**
 * Tells the node when the cluster log's leader changes, by polling jgroups-raft (which has no listener for
 * a follower's leader). jgroups-raft elects on a view change, and a node without a leader learns one from the
 * leader's beats or appends: so it polls every {@link #FAST_MS} while a view is new or there is no leader, when
 * a new leader must be known at once, and at the beat interval in between, when none is to be expected (the
 * timer thread woke 100 times a second for nothing). A view change starts a fast round at once. The slow polls
 * ride on the beat timer's tick ({@link #beatTick}) rather than waking the timer thread on their own.
 *
 * <p>Runs on the edge's timer thread; {@link #viewChanged} may be called from any thread.
 */
final class LeaderWatch {
    private static final System.Logger LOG = System.getLogger("haven.membership");
    static final long FAST_MS = 10;
    /** How long after a view the leader is polled every {@link #FAST_MS}: elections end well within it. */
    static final long FAST_FOR_MS = 5000;

    private final ScheduledExecutorService timer;
    private final Ticker ticker;
    private final Supplier<Address> leaderAddress;
    private final Function<Address, Optional<NodeId>> nodeOf;
    private final BiConsumer<Optional<NodeId>, Address> changed;
    /** One chain of polls at a time: a chain whose round is not the latest ends. */
    private final AtomicLong round = new AtomicLong();
    private volatile long lastViewAtMs;
    /** The leader's address at the last poll, once named (timer thread only). */
    private Address lastAddress;
    private Optional<NodeId> last = Optional.empty();
    /** The round of the chain of fast polls still running, 0 when none is (timer thread only). */
    private long fastRound;

    LeaderWatch(ScheduledExecutorService timer, Ticker ticker, Supplier<Address> leaderAddress,
                Function<Address, Optional<NodeId>> nodeOf, BiConsumer<Optional<NodeId>, Address> changed) {
        this.timer = timer;
        this.ticker = ticker;
        this.leaderAddress = leaderAddress;
        this.nodeOf = nodeOf;
        this.changed = changed;
    }

    void start() {
        restart();
    }

    void viewChanged(long atMs) {
        lastViewAtMs = atMs;
        restart(); // at once, not after what is left of a slow round: an election follows
    }

    /** The slow poll, at every beat (timer thread): nothing while a chain of fast polls runs. */
    void beatTick() {
        if (fastRound == 0) poll();
    }

    private void restart() {
        long r = round.incrementAndGet();
        try {
            timer.execute(() -> {
                fastRound = r;
                pollAndAgain(r);
            });
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    private void pollAndAgain(long r) {
        if (r != round.get()) return;
        poll();
        boolean fast = lastAddress == null || ticker.nowMs() - lastViewAtMs < FAST_FOR_MS;
        if (!fast) {
            fastRound = 0; // the beat ticks poll from here on
            return;
        }
        try {
            timer.schedule(() -> pollAndAgain(r), FAST_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            // closing
        }
    }

    /** The same leader address as last time (the usual case) costs a read and a compare, not a search of the node list. */
    private void poll() {
        try {
            Address a = leaderAddress.get();
            if (a == lastAddress && a != null) return;
            Optional<NodeId> leader = a == null ? Optional.empty() : nodeOf.apply(a);
            // Kept only once named: an address whose name is not known yet is looked up again next time.
            lastAddress = leader.isPresent() ? a : null;
            if (!Objects.equals(leader, last)) {
                last = leader;
                changed.accept(leader, a);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "leader watch: " + e);
        }
    }
}
