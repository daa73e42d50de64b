package haven.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Watches which node namespaces hold the VIP, event-driven: one `ip -n NS monitor address` per node reports
 * every address added or deleted the moment the kernel does it, and a snapshot taken after the monitor is
 * listening gives the starting point. From the timeline it computes how long two or more namespaces held
 * the VIP at once (split brain).
 *
 * <p>The monitors run inside the node namespaces, so a power-loss fault must spare them ({@link #pids});
 * should one die anyway it is restarted and the node re-read.
 *
 * <p>Thread-safe: one reader thread per node records events under the watch's lock.
 */
public final class VipWatch implements AutoCloseable {
    private final LabLayout layout;
    private final List<Process> monitors = new ArrayList<>();
    private final Set<Integer> holders = new TreeSet<>();
    private final List<String> events = new ArrayList<>();
    private volatile boolean closed;
    private long splitSinceNanos = -1;
    private long splitTotalNanos;

    private VipWatch(LabLayout layout) {
        this.layout = layout;
    }

    public static VipWatch start(LabLayout layout) {
        VipWatch w = new VipWatch(layout);
        for (int i = 1; i <= layout.nodes(); i++) {
            w.monitors.add(null);
            w.watch(i);
        }
        return w;
    }

    private void watch(int node) {
        String ns = layout.nodeNamespace(node);
        Process p;
        try {
            p = new ProcessBuilder("ip", "-n", ns, "monitor", "address")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new LabException("cannot watch addresses in " + ns + ": " + e.getMessage());
        }
        synchronized (this) {
            monitors.set(node - 1, p);
        }
        Thread.ofPlatform().daemon().name("vipwatch-" + ns).start(() -> read(node, p));
        // The monitor subscribes within milliseconds of starting; read the state after that, so that no change
        // falls between the snapshot and the first event.
        Pids.sleep(100);
        boolean has = Netns.ipv4Addresses(ns).contains(layout.vip());
        set(node, has, System.nanoTime(), "snapshot");
    }

    private void read(int node, Process p) {
        String needle = " " + layout.vip() + "/";
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                long now = System.nanoTime();
                if (line.contains(" inet ") && line.contains(needle)) {
                    set(node, !line.startsWith("Deleted"), now, "event");
                }
            }
        } catch (IOException e) {
            // monitor ended
        }
        if (!closed && Netns.exists(layout.nodeNamespace(node))) {
            watch(node);
        }
    }

    private synchronized void set(int node, boolean has, long nanos, String how) {
        boolean changed = has ? holders.add(node) : holders.remove(node);
        if (!changed) {
            return;
        }
        events.add(String.format("%d %s %s VIP (%s)", nanos, layout.nodeName(node), has ? "gained" : "lost", how));
        if (holders.size() >= 2 && splitSinceNanos < 0) {
            splitSinceNanos = nanos;
        } else if (holders.size() < 2 && splitSinceNanos >= 0) {
            splitTotalNanos += nanos - splitSinceNanos;
            splitSinceNanos = -1;
        }
        notifyAll();
    }

    /** Nodes (indexes) that hold the VIP now. */
    public synchronized List<Integer> holders() {
        return List.copyOf(holders);
    }

    /** Total time two or more namespaces held the VIP at once, including a split in progress. */
    public synchronized long splitBrainNanos() {
        return splitTotalNanos + (splitSinceNanos >= 0 ? System.nanoTime() - splitSinceNanos : 0);
    }

    /** Waits until at most one node holds the VIP; false on timeout. */
    public synchronized boolean awaitAtMostOneHolder(long deadlineNanos) {
        while (holders.size() > 1) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** PIDs of the monitor processes, which live in the node namespaces but are not part of the nodes. */
    public synchronized Set<Long> pids() {
        Set<Long> pids = new TreeSet<>();
        for (Process p : monitors) {
            if (p != null) {
                pids.add(p.pid());
            }
        }
        return pids;
    }

    /** Gains and losses so far, one line each ("NANOS n2 gained VIP (event)"), for reports. */
    public synchronized List<String> events() {
        return List.copyOf(events);
    }

    @Override
    public void close() {
        closed = true;
        List<Process> all;
        synchronized (this) {
            all = new ArrayList<>(monitors);
        }
        for (Process p : all) {
            if (p != null) {
                p.destroy();
            }
        }
    }
}
