package haven.daemon;

import haven.node.NodeCore;
import haven.node.Effect;
import haven.node.NodeEvent;
import haven.node.NodeStatus;
import haven.core.Ticker;
import haven.core.WallClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The single thread that owns a node's state: it takes events in arrival order, steps the core and hands
 * the effects to the driver. Every other thread only enqueues. Ticks drive leases, monitors and retries,
 * every 20 ms while anything moves and less often while nothing does ({@link TickPace}); the queue is
 * unbounded in type but bounded in practice by its producers (one view, one beat per peer per interval,
 * one result per operation in flight).
 */
final class EventLoop {
    static final int MAX_BATCH = 1000;
    private static final System.Logger LOG = System.getLogger("haven.node");

    /** Every event, in arrival order. */
    private final Queue<NodeEvent> queue = new ConcurrentLinkedQueue<>();
    /**
     * One permit per event that wakes the loop: all but heartbeats. Beats wait in the queue for the next step
     * instead: a steady cluster sends one per peer per interval, and waking for each doubled an idle node's
     * steps. Nothing is lost by waiting: a beat renews a lease from its own time stamps, not from when it is
     * taken in, and the step that takes it in is the one that would have judged the lease next anyway.
     */
    private final Semaphore wake = new Semaphore(0);
    private final NodeCore core;
    private final Ticker ticker;
    private final WallClock clock;
    private final Consumer<List<Effect>> driver;
    private final Consumer<NodeStatus> publish;
    private final TickPace pace;
    private volatile boolean running = true;
    private Thread thread;

    EventLoop(NodeCore core, Ticker ticker, WallClock clock, Consumer<List<Effect>> driver, Consumer<NodeStatus> publish) {
        this.core = core;
        this.ticker = ticker;
        this.clock = clock;
        this.driver = driver;
        this.publish = publish;
        // The guard's slack is half the lease margin: hot ticks from a whole margin before its deadline.
        this.pace = new TickPace(core.status().config().timing().leaseMargin().toMillis());
    }

    void enqueue(NodeEvent e) {
        queue.add(e);
        if (!(e instanceof NodeEvent.Beat)) wake.release();
    }

    void start() {
        thread = new Thread(this::run, "haven-loop");
        thread.start();
    }

    private void run() {
        long nextTick = ticker.nowMs();
        while (running) {
            try {
                long wait = Math.max(0, nextTick - ticker.nowMs());
                boolean woken = wake.tryAcquire(wait, TimeUnit.MILLISECONDS);
                wake.drainPermits();
                List<NodeEvent> batch = new ArrayList<>();
                for (NodeEvent e; batch.size() < MAX_BATCH && (e = queue.poll()) != null; ) batch.add(e);
                if (batch.size() == MAX_BATCH && !queue.isEmpty()) wake.release(); // the rest at once, as before
                if (!woken) batch.add(new NodeEvent.Tick());
                long now = ticker.nowMs();
                List<Effect> effects = core.stepAll(batch, now, clock.epochMs());
                pace.stepped(batch, effects, now);
                long due = now + pace.interval(now);
                nextTick = woken ? Math.min(nextTick, due) : due;
                driver.accept(effects);
                publish.accept(core.status());
            } catch (InterruptedException ie) {
                return;
            } catch (RuntimeException | AssertionError bug) {
                // Halting would leave this node's resources running unattended (no watchdog yet), which is
                // worse than going on: log loudly and keep the lease logic alive.
                LOG.log(System.Logger.Level.ERROR, "event loop step failed (a bug): " + bug, bug);
            }
        }
    }

    void stop() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
