package haven.lab;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Samples the resident memory (VmRSS) of the daemons every 100 ms and keeps the largest value seen. */
public final class RssSampler implements AutoCloseable {
    private final AtomicLong maxKb = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private RssSampler(Supplier<? extends Iterable<Long>> pids) {
        thread = Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
            while (running) {
                for (long pid : pids.get()) {
                    Pids.rssKb(pid).ifPresent(kb -> maxKb.accumulateAndGet(kb, Math::max));
                }
                try {
                    Thread.sleep(Duration.ofMillis(100));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public static RssSampler start(Supplier<? extends Iterable<Long>> pids) {
        return new RssSampler(pids);
    }

    public double maxMb() {
        return maxKb.get() / 1024.0;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
