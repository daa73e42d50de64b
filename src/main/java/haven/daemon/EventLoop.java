package haven.daemon;

import haven.node.NodeCore;
import haven.node.Effect;
import haven.node.NodeEvent;
import haven.node.NodeStatus;
import haven.core.Ticker;
import haven.core.WallClock;
import haven.node.Stepping;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The single thread that owns a node's state: it takes events in arrival order, steps the core and hands
 * the effects to the driver. Every other thread only enqueues. When it steps, and which events wake it,
 * {@link Stepping} decides: every event and a tick every 20 ms while something moves, and while quiet a step
 * every 250 ms (or at the core's next decision) that takes the heartbeats queued meanwhile. The queue is
 * unbounded in type but bounded in practice by its producers (one view, one beat per peer per interval, one
 * result per operation in flight).
 */
final class EventLoop {
    static final int MAX_BATCH = 1000;
    private static final System.Logger LOG = System.getLogger("haven.node");

    private final Queue<NodeEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean woken = new AtomicBoolean();
    private final Stepping stepping = new Stepping();
    private final NodeCore core;
    private final Ticker ticker;
    private final WallClock clock;
    private final Consumer<List<Effect>> driver;
    private final Consumer<NodeStatus> publish;
    private volatile boolean running = true;
    private volatile Thread thread;

    EventLoop(NodeCore core, Ticker ticker, WallClock clock, Consumer<List<Effect>> driver, Consumer<NodeStatus> publish) {
        this.core = core;
        this.ticker = ticker;
        this.clock = clock;
        this.driver = driver;
        this.publish = publish;
    }

    void enqueue(NodeEvent e) {
        queue.add(e);
        if (stepping.wakes(e)) wake();
    }

    void start() {
        thread = new Thread(this::run, "haven-loop");
        thread.start();
    }

    private void wake() {
        woken.set(true);
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    private void run() {
        long nextStepMs = ticker.nowMs();
        while (running) {
            long waitMs = nextStepMs - ticker.nowMs();
            if (!woken.getAndSet(false) && waitMs > 0) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(waitMs));
                // A pending interrupt makes every later park return at once: take it, so that a stray one
                // cannot turn the loop into a spin; stop() clears running before it interrupts.
                if (Thread.interrupted() && !running) return;
                continue;
            }
            try {
                List<NodeEvent> batch = drain();
                long now = ticker.nowMs();
                List<Effect> effects = core.stepAll(batch, now, clock.epochMs());
                driver.accept(effects);
                publish.accept(core.status());
                nextStepMs = stepping.stepped(batch, effects, core.decideByMs(now), now);
            } catch (RuntimeException | AssertionError bug) {
                // Halting would leave this node's resources to the guard's deadline, which is worse than
                // going on: log loudly and keep the lease logic alive.
                LOG.log(System.Logger.Level.ERROR, "event loop step failed (a bug): " + bug, bug);
                nextStepMs = ticker.nowMs() + Stepping.BUSY_TICK_MS;
            }
        }
    }

    /** Everything queued, up to {@link #MAX_BATCH} (the rest in the next step, at once); a tick when nothing. */
    private List<NodeEvent> drain() {
        List<NodeEvent> batch = new ArrayList<>();
        NodeEvent e;
        while (batch.size() < MAX_BATCH && (e = queue.poll()) != null) batch.add(e);
        if (!queue.isEmpty()) woken.set(true);
        if (batch.isEmpty()) batch.add(new NodeEvent.Tick());
        return batch;
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) t.interrupt();
    }
}
