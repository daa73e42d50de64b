package haven.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
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
    private final List<Change> timeline = new ArrayList<>();
    private volatile boolean closed;

    /** A namespace gained or lost the VIP at {@code nanos} (System.nanoTime). */
    public record Change(long nanos, int node, boolean has, String how) {}

    private VipWatch(LabLayout layout) {
        this.layout = layout;
    }

    /**
     * Whether {@code pid} is an address monitor of a VipWatch on namespace {@code ns}: it lives in the node's
     * namespace but watches from outside, so a power loss of the node (also one injected by the lab fence
     * agent, which does not know this watch) spares it.
     */
    public static boolean isMonitor(long pid, String ns) {
        return Pids.cmdline(pid).equals(List.of("ip", "-n", ns, "-ts", "monitor", "address"));
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
            p = new ProcessBuilder("ip", "-n", ns, "-ts", "monitor", "address")
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
                    String event = line.startsWith("[") ? line.substring(line.indexOf(']') + 1).trim() : line;
                    set(node, !event.startsWith("Deleted"), eventNanos(line, now), "event");
                }
            }
        } catch (IOException e) {
            // monitor ended
        }
        if (!closed && Netns.exists(layout.nodeNamespace(node))) {
            watch(node);
        }
    }

    /**
     * When `ip` received the event, from its "[2026-11-22T05:59:22.719060]" stamp (local wall clock, µs)
     * mapped onto System.nanoTime. Our reader threads run a few ms late under load, and the order of events in
     * different namespaces is what split brain is about. A stamp that does not fit (clock stepped) falls back
     * to the time of reading.
     */
    private long eventNanos(String line, long readNanos) {
        if (!line.startsWith("[")) {
            return readNanos;
        }
        try {
            LocalDateTime t = LocalDateTime.parse(line.substring(1, line.indexOf(']')));
            Instant at = t.atZone(ZoneId.systemDefault()).toInstant();
            long nanos = readNanos - Duration.between(at, Instant.now()).toNanos();
            return nanos <= readNanos && readNanos - nanos < 1_000_000_000L ? nanos : readNanos;
        } catch (RuntimeException e) {
            return readNanos;
        }
    }

    private synchronized void set(int node, boolean has, long nanos, String how) {
        boolean changed = has ? holders.add(node) : holders.remove(node);
        if (changed) {
            timeline.add(new Change(nanos, node, has, how));
            notifyAll();
        }
    }

    /** Nodes (indexes) that hold the VIP now. */
    public synchronized List<Integer> holders() {
        return List.copyOf(holders);
    }

    /**
     * Total time two or more namespaces held the VIP at once, up to now. Computed from the whole timeline in
     * time order, because the reader threads may record changes of different namespaces out of order.
     */
    public synchronized long splitBrainNanos() {
        List<Change> ordered = new ArrayList<>(timeline);
        ordered.sort(Comparator.comparingLong(Change::nanos));
        Set<Integer> held = new TreeSet<>();
        long total = 0;
        long since = -1;
        for (Change c : ordered) {
            if (c.has()) {
                held.add(c.node());
            } else {
                held.remove(c.node());
            }
            if (held.size() >= 2 && since < 0) {
                since = c.nanos();
            } else if (held.size() < 2 && since >= 0) {
                total += c.nanos() - since;
                since = -1;
            }
        }
        return total + (since >= 0 ? System.nanoTime() - since : 0);
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

    /** Gains and losses so far, in time order. */
    public synchronized List<Change> timeline() {
        List<Change> ordered = new ArrayList<>(timeline);
        ordered.sort(Comparator.comparingLong(Change::nanos));
        return ordered;
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
