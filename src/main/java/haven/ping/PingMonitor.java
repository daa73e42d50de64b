package haven.ping;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Probes the configured ping nodes (a router, a switch) from this node, one ICMP echo each per round, with
 * the system's {@code ping} so it runs in the node's own network namespace and routing. Reports the number
 * of reachable ping nodes whenever it changes (and once the first round is done).
 */
public final class PingMonitor implements AutoCloseable {
    public static final Duration INTERVAL = haven.core.PingRule.INTERVAL;
    public static final int DOWN_AFTER = haven.core.PingRule.DOWN_AFTER;
    private static final System.Logger LOG = System.getLogger(PingMonitor.class.getName());

    private final List<String> targets;
    private final IntConsumer onChange;
    private final Reachability reachability;
    private volatile boolean running = true;
    private Thread thread;

    public PingMonitor(List<String> targets, IntConsumer onChange) {
        this.targets = List.copyOf(targets);
        this.onChange = onChange;
        this.reachability = new Reachability(targets, DOWN_AFTER);
    }

    public void start() {
        thread = Thread.ofPlatform().daemon().name("haven-ping").start(this::run);
    }

    private void run() {
        int reported = -1;
        while (running) {
            long roundStart = System.nanoTime();
            List<CompletableFuture<Boolean>> probes = targets.stream()
                    .map(t -> CompletableFuture.supplyAsync(() -> echo(t), Thread::startVirtualThread)).toList();
            for (int i = 0; i < targets.size(); i++) {
                reachability.record(targets.get(i), probes.get(i).join());
            }
            int now = reachability.reachable();
            if (now != reported) {
                LOG.log(System.Logger.Level.INFO, "ping nodes reachable: " + now + " of " + targets.size());
                onChange.accept(now);
                reported = now;
            }
            long left = INTERVAL.toNanos() - (System.nanoTime() - roundStart);
            if (left > 0) {
                try {
                    Thread.sleep(Duration.ofNanos(left));
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One echo with a one-second deadline; any error counts as no answer. */
    static boolean echo(String target) {
        try {
            Process p = new ProcessBuilder("ping", "-n", "-q", "-c", "1", "-W", "1", target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) thread.interrupt();
    }
}
