package haven.replication;

import haven.core.InSyncChange;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The primary's end of a replicated directory: mounts haven-rdir over the directory, reads its records into the
 * journal, keeps a {@link ReplicaLink} to every peer, and tells haven-rdir how far the in-sync replicas confirmed
 * (in sync mode its fsync waits for that). With no replica in sync, a sync-mode primary holds confirmations back
 * for {@code aloneAfter} (longer than a node cut off from the cluster keeps acting: if that is this node, it is
 * stopped first and confirms nothing only it has), then goes on alone and says so ({@link #wouldLoseBytes} -1):
 * refusing writes for good would make a replicated directory less available than a plain one. Unless the resource
 * asks for it: with {@code min_in_sync} k, a sync made while fewer than k replicas are in sync is held for
 * {@code sync_timeout} (a replica may be back by then) and then refused, and haven-rdir fails that fsync with EIO:
 * the write is on the primary's disk, but the application is never told it is safe.
 */
public final class PrimaryStream implements AutoCloseable {
    public enum Mode { SYNC, ASYNC }

    private static final long JOURNAL_BYTES = 64L << 20;

    private final String resource;
    private final Path directory;
    private final long generation;
    private final String self;
    private final Mode mode;
    private final Duration syncTimeout;
    private final ReplicationKey key;
    private final Consumer<String> log;
    private final Journal journal = new Journal(JOURNAL_BYTES, 0);
    private final LagMeter lag = new LagMeter();
    private final List<ReplicaLink> links = new ArrayList<>();
    private FuseLayer layer;
    private SocketChannel fromFuse;
    private Thread reader;
    private volatile String staleReason = "";
    private volatile String failure = "";
    private long toldFuse;
    /** The sync records (seq) haven-rdir may be waiting on, oldest first (sync mode only; guarded by this). */
    private final java.util.ArrayDeque<Long> pendingSyncs = new java.util.ArrayDeque<>();
    private final Path stateFile;
    private volatile long epoch = 1;
    private final Duration aloneAfter;
    private final int minInSync;
    /** Since when (nanoTime) fewer replicas than {@link #minInSync} are in sync, or 0. */
    private volatile long shortSince;
    private volatile long refusedSyncs;
    /** Since when (nanoTime) no replica is in sync, or 0 while one is. */
    private volatile long aloneSince;
    private Thread aloneWatch;
    private volatile boolean closing;
    private final Consumer<InSyncChange> inSyncListener;

    private PrimaryStream(String resource, Path directory, long generation, String self, Mode mode, Duration syncTimeout,
            Duration aloneAfter, int minInSync, ReplicationKey key, Path stateFile, Consumer<String> log,
            Consumer<InSyncChange> inSyncListener) {
        this.resource = resource;
        this.minInSync = minInSync;
        this.inSyncListener = inSyncListener;
        this.aloneAfter = aloneAfter;
        this.stateFile = stateFile;
        this.directory = directory;
        this.generation = generation;
        this.self = self;
        this.mode = mode;
        this.syncTimeout = syncTimeout;
        this.key = key;
        this.log = log;
    }

    /**
     * Mounts the layer and starts streaming to the settings' peers, in sync epoch 1 of {@code generation} (which
     * {@code stateFile} must say already). Throws IOException, with nothing left mounted or running, when the layer
     * does not come up in time.
     */
    static PrimaryStream start(ReplicatedDirectory.Settings settings, long generation, Path socketPath, Path fuseLog,
            Path stateFile, Consumer<String> log, Consumer<InSyncChange> inSyncListener) throws IOException {
        FuseLayer.unmountStale(settings.directory(), log);
        PrimaryStream s = new PrimaryStream(settings.resource(), settings.directory(), generation, settings.self(), settings.mode(),
                settings.syncTimeout(), settings.aloneAfter(), settings.minInSync(), settings.key(), stateFile, log, inSyncListener);
        // haven-rdir gives up on a sync after this long; the links drop a silent replica well before, and a primary
        // left alone confirms after aloneAfter, so the limit only ends the primary when this daemon is gone.
        long syncWaitMs = Math.max(s.syncTimeout.toMillis() * 3 + 1000, s.aloneAfter.toMillis() + 2000);
        s.layer = FuseLayer.mount(settings.fuseProgram(), settings.directory(), socketPath, settings.mode(), syncWaitMs, fuseLog);
        s.fromFuse = s.layer.records();
        try {
            synchronized (s.links) {
                settings.peers().forEach((name, address) -> s.links.add(new ReplicaLink(s, name, address, log)));
            }
            s.reader = Thread.ofPlatform().daemon().name("rdir-" + s.resource + "-records").start(s::readRecords);
            s.aloneWatch = Thread.ofPlatform().daemon().name("rdir-" + s.resource + "-alone").start(s::watchAlone);
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    static boolean mounted(Path directory) {
        return FuseLayer.mounted(directory);
    }

    private void readRecords() {
        try (InputStream raw = Channels.newInputStream(fromFuse)) {
            DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw, 1 << 16));
            byte[] len = new byte[4];
            while (true) {
                in.readFully(len);
                int n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
                if (n < Record.HEADER_BYTES || n > Record.MAX_BODY) throw new IOException("haven-rdir sent a record of " + n + " bytes");
                byte[] body = new byte[n];
                in.readFully(body);
                Record r = Record.decode(body);
                synchronized (journal) {
                    journal.append(r.seq(), body);
                    lag.journaled(r.seq(), body.length, System.nanoTime());
                    for (ReplicaLink l : links) {
                        l.noteChange(r);
                        l.sendLive(r.seq(), body);
                    }
                }
                if (mode == Mode.SYNC && r.op() == Record.Op.FSYNC) {
                    synchronized (this) {
                        pendingSyncs.addLast(r.seq());
                    }
                }
                confirmationsChanged();
            }
        } catch (IOException | RuntimeException e) {
            if (failure.isEmpty() && layer.alive() && staleReason.isEmpty()) {
                failure = "the replication layer's stream failed: " + e.getMessage();
                log.accept(failure);
            }
        }
    }

    long epoch() {
        return epoch;
    }

    Mode mode() {
        return mode;
    }

    /**
     * An in-sync replica left (dropped, or its connection broke): a new epoch, recorded here at once and by the
     * remaining in-sync replicas before anything more is confirmed, so that the one that left ranks below every
     * copy holding writes it lacks, though it may never hear that it was left.
     */
    void replicaLeft(String peer) {
        // A stopping primary closes every link: the replicas stay in one epoch, with the same data, and none of them
        // must rank below another for it. Writes meanwhile are confirmed no more (the layer goes next).
        if (closing) return;
        synchronized (this) {
            epoch++;
            try {
                new DataState(generation, epoch, true, true).write(stateFile);
            } catch (IOException e) {
                if (failure.isEmpty()) failure = "cannot record sync epoch " + epoch + ": " + e.getMessage();
                log.accept(failure);
                return; // confirmations stop with the failure: nothing more is told to haven-rdir
            }
        }
        log.accept("replica " + peer + " left the in-sync set; sync epoch " + epoch);
        for (ReplicaLink l : inSyncLinks()) l.sendEpoch(epoch);
        confirmationsChanged();
        inSyncListener.accept(new InSyncChange(resource, peer, false, inSync(), epoch));
    }

    /** A replica came in step: from its next record on it confirms what it has. */
    void replicaJoined(String peer) {
        if (closing) return;
        inSyncListener.accept(new InSyncChange(resource, peer, true, inSync(), epoch));
    }

    /** Tells haven-rdir the newest record every in-sync replica has (all of them when none is in sync). */
    void confirmationsChanged() {
        long confirmed = journal.lastSeq();
        if (!failure.isEmpty()) return;
        if (mode == Mode.SYNC) {
            long current = epoch;
            List<ReplicaLink> inSync = inSyncLinks();
            if (inSync.size() < minInSync) {
                if (shortSince == 0) shortSince = System.nanoTime();
                if (System.nanoTime() - shortSince >= syncTimeout.toNanos()) refusePendingSyncs();
                return; // watchAlone looks again until then
            }
            shortSince = 0;
            if (inSync.isEmpty()) {
                if (aloneSince == 0) aloneSince = System.nanoTime();
                if (System.nanoTime() - aloneSince < aloneAfter.toNanos()) return; // watchAlone tries again
            } else {
                aloneSince = 0;
            }
            for (ReplicaLink l : inSync) {
                if (l.ackedEpoch() < current) return; // confirmed again once every remaining replica holds the epoch
                confirmed = Math.min(confirmed, l.acked());
            }
        }
        synchronized (this) {
            // haven-rdir waits only in a sync, and only in sync mode: telling it of anything else wakes it for nothing.
            if (pendingSyncs.isEmpty() || pendingSyncs.peekFirst() > confirmed) return;
            while (!pendingSyncs.isEmpty() && pendingSyncs.peekFirst() <= confirmed) pendingSyncs.removeFirst();
            if (confirmed <= toldFuse || fromFuse == null || !fromFuse.isOpen()) return;
            toldFuse = confirmed;
            answerLayer(confirmed);
        }
    }

    /** One answer to haven-rdir (a confirmed record number, or a refused one with the top bit set); the caller holds this. */
    private void answerLayer(long answer) {
        try {
            ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(answer).flip();
            while (b.hasRemaining()) fromFuse.write(b);
        } catch (IOException e) {
            if (failure.isEmpty()) failure = "cannot answer haven-rdir: " + e.getMessage();
        }
    }

    /** Tells haven-rdir that every sync waiting now is refused (min_in_sync not met): each of those fsyncs fails. */
    private synchronized void refusePendingSyncs() {
        if (pendingSyncs.isEmpty() || fromFuse == null || !fromFuse.isOpen()) return;
        long upTo = pendingSyncs.peekLast();
        refusedSyncs += pendingSyncs.size();
        pendingSyncs.clear();
        answerLayer(Long.MIN_VALUE | upTo);
    }

    /** The syncs refused so far because fewer replicas than min_in_sync were in sync. */
    public long refusedSyncs() {
        return refusedSyncs;
    }

    /** While confirmations wait for the alone limit or min_in_sync, looks again every 50 ms: no record or confirmation may come. */
    private void watchAlone() {
        while (!closing) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                return;
            }
            if (aloneSince != 0 || shortSince != 0) confirmationsChanged();
        }
    }

    private List<ReplicaLink> inSyncLinks() {
        synchronized (links) {
            return links.stream().filter(l -> l.phase() == ReplicaLink.Phase.IN_SYNC).toList();
        }
    }

    /** A replica saw a newer primary: this one must take no more writes. Closing the stream makes haven-rdir refuse them. */
    void stale(String why) {
        if (!staleReason.isEmpty()) return;
        staleReason = why;
        log.accept("this primary is stale, refusing writes from now on: " + why);
        try {
            if (fromFuse != null) fromFuse.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }

    boolean isStale() {
        return !staleReason.isEmpty();
    }

    /** Why this primary cannot take writes, or empty while it can. */
    public Optional<String> problem() {
        if (!staleReason.isEmpty()) return Optional.of(staleReason);
        if (!failure.isEmpty()) return Optional.of(failure);
        if (!layer.alive()) return Optional.of("haven-rdir is not running");
        if (!mounted(directory)) return Optional.of(directory + " is no longer mounted");
        return Optional.empty();
    }

    /** The replicas in sync now, by name. */
    public List<String> inSync() {
        return inSyncLinks().stream().map(ReplicaLink::peer).toList();
    }

    /** Each replica's phase, how far it confirmed and how many bytes it trails: for status. */
    public Map<String, String> replicas() {
        Map<String, String> out = new java.util.TreeMap<>();
        synchronized (links) {
            for (ReplicaLink l : links) {
                String phase = l.phase().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
                out.put(l.peer(), l.phase() == ReplicaLink.Phase.IN_SYNC ? phase + " confirmed " + l.acked() + " lag " + lag.bytesAfter(l.acked()) + " B"
                        : phase);
            }
        }
        return out;
    }

    /** Each in-sync replica's lag in bytes (what it has not confirmed), by name: for metrics. */
    public Map<String, Long> lagBytes() {
        Map<String, Long> out = new java.util.TreeMap<>();
        synchronized (links) {
            for (ReplicaLink l : links) {
                if (l.phase() == ReplicaLink.Phase.IN_SYNC) out.put(l.peer(), lag.bytesAfter(l.acked()));
            }
        }
        return out;
    }

    /**
     * What a failover now would lose of what writers were told is stored: nothing in sync mode while a replica is in
     * sync; in async mode, what the most current in-sync replica has not confirmed; -1 (everything since the last
     * replica left) when no replica is in sync.
     */
    public long wouldLoseBytes() {
        List<ReplicaLink> inSync = inSyncLinks();
        if (inSync.isEmpty()) return -1;
        if (mode == Mode.SYNC) return 0;
        return inSync.stream().mapToLong(l -> lag.bytesAfter(l.acked())).min().orElse(-1);
    }

    /** The {@code percent}th percentile of the replicas' latest confirmation delays (ms), -1 without any. */
    public double lagMillis(double percent) {
        return lag.delayMillis(percent);
    }

    LagMeter lagMeter() {
        return lag;
    }

    public long lastRecord() {
        return journal.lastSeq();
    }

    public long processGroup() {
        return layer.processGroup();
    }

    String resource() {
        return resource;
    }

    Path directory() {
        return directory;
    }

    long generation() {
        return generation;
    }

    String self() {
        return self;
    }

    Duration syncTimeout() {
        return syncTimeout;
    }

    ReplicationKey key() {
        return key;
    }

    Journal journal() {
        return journal;
    }

    /** Unmounts (lazily, so open files of stopped applications cannot hold it) and stops streaming. */
    @Override
    public void close() {
        closing = true;
        if (aloneWatch != null) aloneWatch.interrupt();
        synchronized (links) {
            for (ReplicaLink l : links) l.stop();
        }
        layer.close();
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
