package haven.daemon;

import haven.node.NodeCore;
import haven.node.Effect;
import haven.node.NodeEvent;
import haven.node.NodeStatus;
import haven.core.Ticker;
import haven.core.WallClock;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The single thread that owns a node's state: it takes events in arrival order, steps the core and hands
 * the effects to the driver. Every other thread only enqueues. A tick every {@code TICK_MS} drives
 * leases, monitors and retries; the queue is unbounded in type but bounded in practice by its producers
 * (one view, one beat per peer per interval, one result per operation in flight).
 */
final class EventLoop {
    static final long TICK_MS = 20;
    static final int MAX_BATCH = 1000;
    private static final System.Logger LOG = System.getLogger("haven.node");

    private final BlockingQueue<NodeEvent> queue = new LinkedBlockingQueue<>();
    private final NodeCore core;
    private final Ticker ticker;
    private final WallClock clock;
    private final Consumer<List<Effect>> driver;
    private final Consumer<NodeStatus> publish;
    private volatile boolean running = true;
    private Thread thread;

    EventLoop(NodeCore core, Ticker ticker, WallClock clock, Consumer<List<Effect>> driver, Consumer<NodeStatus> publish) {
        this.core = core;
        this.ticker = ticker;
        this.clock = clock;
        this.driver = driver;
        this.publish = publish;
    }

    void enqueue(NodeEvent e) {
        queue.add(e);
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
                NodeEvent e = queue.poll(wait, TimeUnit.MILLISECONDS);
                if (e == null) {
                    e = new NodeEvent.Tick();
                    nextTick = ticker.nowMs() + TICK_MS;
                }
                List<NodeEvent> batch = new java.util.ArrayList<>();
                batch.add(e);
                queue.drainTo(batch, MAX_BATCH);
                List<Effect> effects = core.stepAll(batch, ticker.nowMs(), clock.epochMs());
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
