package haven.lab;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads every process on the machine every 10 ms and notes which lab node namespaces run nginx (master or
 * worker), as the outside watcher of issue 13 did: the VIP watch sees addresses, this sees the service's
 * processes, including a leftover that no daemon knows of.
 *
 * <p>Thread-safe: one polling thread writes under the watch's lock.
 */
final class NginxWatch implements AutoCloseable {
    static final long EVERY_MS = 10;
    private final LabLayout layout;
    /** Network namespace inode to node index. */
    private final Map<Long, Integer> nodeOfNamespace = new TreeMap<>();
    private Set<Integer> holders = new TreeSet<>();
    /** When each node stopped running nginx (System.nanoTime of the first poll that found none), in order. */
    private final List<long[]> losses = new ArrayList<>();
    private long overlapNanos = 0;
    private long overlapSince = -1;
    private long lastPollNanos = 0;
    private volatile boolean closed = false;
    private final Thread poller;

    private NginxWatch(LabLayout layout) {
        this.layout = layout;
        for (int i = 1; i <= layout.nodes(); i++) {
            try {
                Object ino = Files.getAttribute(Path.of("/run/netns", layout.nodeNamespace(i)), "unix:ino");
                nodeOfNamespace.put(((Number) ino).longValue(), i);
            } catch (IOException e) {
                throw new LabException("cannot read the namespace of " + layout.nodeNamespace(i) + ": " + e.getMessage());
            }
        }
        poll();
        poller = Thread.ofPlatform().daemon().name("nginxwatch-" + layout.prefix()).start(this::run);
    }

    static NginxWatch start(LabLayout layout) {
        return new NginxWatch(layout);
    }

    private void run() {
        while (!closed) {
            poll();
            Pids.sleep(EVERY_MS);
        }
    }

    private void poll() {
        Set<Integer> now = new TreeSet<>(nginxByNode().keySet());
        long at = System.nanoTime();
        synchronized (this) {
            if (now.size() >= 2 && overlapSince < 0) overlapSince = at;
            if (now.size() < 2 && overlapSince >= 0) {
                overlapNanos += at - overlapSince;
                overlapSince = -1;
            }
            for (int node : holders) {
                if (!now.contains(node)) losses.add(new long[] {node, at});
            }
            holders = now;
            lastPollNanos = at;
            notifyAll();
        }
    }

    /** nginx processes per node index, read from /proc now. */
    Map<Integer, List<Long>> nginxByNode() {
        Map<Integer, List<Long>> found = new TreeMap<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                try {
                    if (!Files.readString(p.resolve("comm")).strip().equals("nginx")) continue;
                    String link = Files.readSymbolicLink(p.resolve("ns/net")).toString(); // net:[4026532...]
                    long ino = Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
                    Integer node = nodeOfNamespace.get(ino);
                    if (node != null) found.computeIfAbsent(node, k -> new ArrayList<>()).add(Long.parseLong(name));
                } catch (IOException | RuntimeException gone) {
                    // exited while read
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot list /proc: " + e.getMessage());
        }
        return found;
    }

    /** The first poll after {@code afterNanos} that found no nginx left on {@code node}, if any. */
    synchronized java.util.OptionalLong lostAfter(int node, long afterNanos) {
        for (long[] l : losses) {
            if (l[0] == node && l[1] > afterNanos) return java.util.OptionalLong.of(l[1]);
        }
        return java.util.OptionalLong.empty();
    }

    /** Nodes running nginx at the last poll. */
    synchronized Set<Integer> holders() {
        return Set.copyOf(holders);
    }

    /** Total time two or more nodes ran nginx at once, up to the last poll. */
    synchronized long overlapNanos() {
        return overlapNanos + (overlapSince >= 0 ? lastPollNanos - overlapSince : 0);
    }

    /** nginx masters (their title says so) over all lab nodes, now. */
    int masters() {
        int n = 0;
        for (List<Long> pids : nginxByNode().values()) {
            for (long pid : pids) {
                List<String> argv = Pids.cmdline(pid);
                if (!argv.isEmpty() && argv.get(0).startsWith("nginx: master")) n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        try {
            poller.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
