package haven.lab;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Samples every 100 ms the resident memory (VmRSS) of each node's haven processes, the daemon and its guard
 * (native, or a JVM), and keeps the largest sum seen for one node: what haven costs a machine. The guard is the
 * daemon's child whose command line names {@link #GUARD_MAIN} or runs {@link #GUARD_NATIVE}; the daemon's other children (the resources' own
 * processes: a web server, an agent's shell) are the user's cost, not haven's, and are left out.
 */
public final class RssSampler implements AutoCloseable {
    /** Named as text: the lab sits beside the guard package and only recognizes its processes. */
    static final String GUARD_MAIN = "haven.guard.GuardMain";
    static final String GUARD_NATIVE = "haven-guard";
    private final AtomicLong maxKb = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    private RssSampler(Supplier<? extends Iterable<Long>> daemonPids) {
        thread = Thread.ofPlatform().daemon().name("rss-sampler").start(() -> {
            while (running) {
                for (long pid : daemonPids.get()) {
                    long kb = nodeKb(pid);
                    if (kb > 0) maxKb.accumulateAndGet(kb, Math::max);
                }
                try {
                    Thread.sleep(Duration.ofMillis(100));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    public static RssSampler start(Supplier<? extends Iterable<Long>> daemonPids) {
        return new RssSampler(daemonPids);
    }

    /** The daemon's RSS plus its guards' (one, or two for a moment while a dead guard is replaced); 0 if the daemon is gone. */
    static long nodeKb(long daemonPid) {
        long kb = Pids.rssKb(daemonPid).orElse(0L);
        if (kb == 0) return 0;
        for (long child : guardPids(daemonPid)) kb += Pids.rssKb(child).orElse(0L);
        return kb;
    }

    /** Whether a command line is a guard's: the Java one names its main class, the native one is its program. */
    static boolean isGuard(List<String> cmdline) {
        return cmdline.contains(GUARD_MAIN) || (!cmdline.isEmpty()
                && (cmdline.get(0).equals(GUARD_NATIVE) || cmdline.get(0).endsWith("/" + GUARD_NATIVE)));
    }

    static List<Long> guardPids(long daemonPid) {
        return ProcessHandle.of(daemonPid).stream().flatMap(ProcessHandle::children)
                .filter(c -> isGuard(Pids.cmdline(c.pid()))).map(ProcessHandle::pid).toList();
    }

    /** Largest daemon + guard RSS of one node seen so far, in MB. */
    public double maxMb() {
        return maxKb.get() / 1024.0;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
