package haven.replication;

import haven.core.InSyncChange;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Consumer;

/**
 * One replicated directory on this node, in whichever role haven gives it: nothing, a replica (a {@link ReplicaServer}
 * taking the primary's changes into the directory) or the primary (a {@link PrimaryStream} over the directory).
 * Keeps its {@link DataState} in {@code metaDir}, which also gives the promotion score.
 *
 * <p>Thread safety: the role changes under this object's lock; the executor calls one operation at a time anyway.
 */
public final class ReplicatedDirectory {
    public enum Role { STOPPED, REPLICA, PRIMARY }

    /**
     * @param metaDir    where the copy's state, the diverged entries and the layer's socket and log live (not
     *                   inside the directory: nothing there is replicated)
     * @param aloneAfter in sync mode, how long a primary left without in-sync replicas holds back confirmations before
     *                   it goes on alone: longer than a node cut off from the cluster can keep its lease, so a cut-off
     *                   primary is stopped before it confirms anything only it has
     * @param minInSync  in sync mode, how many replicas must be in sync for a sync to be confirmed (0: none, the primary
     *                   goes on alone after aloneAfter); with fewer, syncs fail after syncTimeout
     */
    public record Settings(String resource, Path directory, PrimaryStream.Mode mode, Duration syncTimeout, Path metaDir,
            Path fuseProgram, ReplicationKey key, String self, InetSocketAddress listen, Map<String, InetSocketAddress> peers,
            Duration aloneAfter, int minInSync) {
        /** Without min_in_sync: a primary left alone goes on alone. */
        public Settings(String resource, Path directory, PrimaryStream.Mode mode, Duration syncTimeout, Path metaDir, Path fuseProgram,
                ReplicationKey key, String self, InetSocketAddress listen, Map<String, InetSocketAddress> peers, Duration aloneAfter) {
            this(resource, directory, mode, syncTimeout, metaDir, fuseProgram, key, self, listen, peers, aloneAfter, 0);
        }
    }

    private final Settings settings;
    private final Consumer<String> log;
    private final Consumer<InSyncChange> inSync;
    private ReplicaServer replica;
    private PrimaryStream primary;
    /** The copy's state when a peer was found ahead of it in the same epoch; its score is lowered while that holds. */
    private Optional<DataState> deferredAt = Optional.empty();

    public ReplicatedDirectory(Settings settings, Consumer<String> log) {
        this(settings, log, change -> { });
    }

    /** {@code inSync}: told on a link's thread whenever a replica joins or leaves the in-sync set while this is primary. */
    public ReplicatedDirectory(Settings settings, Consumer<String> log, Consumer<InSyncChange> inSync) {
        this.settings = settings;
        this.log = log;
        this.inSync = inSync;
    }

    public Settings settings() {
        return settings;
    }

    public synchronized Role role() {
        return primary != null ? Role.PRIMARY : replica != null ? Role.REPLICA : Role.STOPPED;
    }

    /** Runs as a replica (from stopped or from primary). */
    public synchronized void startReplica() throws IOException {
        if (primary != null) {
            primary.close();
            primary = null;
        }
        if (replica != null) return;
        // A layer whose process died with an earlier daemon still covers the directory, answering only errors.
        FuseLayer.unmountStale(settings.directory(), log);
        Files.createDirectories(settings.directory());
        Files.createDirectories(settings.metaDir());
        openReplica();
    }

    private void openReplica() throws IOException {
        replica = new ReplicaServer(settings.resource(), settings.directory(), settings.metaDir(), settings.listen(), settings.key(), log);
    }

    /**
     * A promotion declined: this copy must not be the primary now (it is not whole, or a replica it reaches holds a more
     * current copy); it runs on as a replica, and its score already says so.
     */
    public static final class Declined extends IOException {
        Declined(String why) {
            super(why);
        }
    }

    /** {@link #promote(long, Predicate)} asking every peer (no membership view known). */
    public void promote(long generation) throws IOException {
        promote(generation, peer -> true);
    }

    /**
     * Takes the primary role under {@code generation}: stops following, records the role, mounts the layer.
     *
     * Before, the peers {@code asked} (the members of this node's view) are asked for their copies.
     *
     * @throws Declined when this copy is not whole or a reachable replica is more current; it then runs on as a replica
     */
    public synchronized void promote(long generation, Predicate<String> asked) throws IOException {
        if (primary != null) return;
        String followed = "";
        long appliedSeq = PeerStates.UNKNOWN;
        if (replica != null) {
            followed = replica.lastPrimary();
            appliedSeq = replica.appliedSeq();
            replica.close();
            replica = null;
        }
        Files.createDirectories(settings.directory());
        DataState was = state();
        if (!was.whole()) {
            // Catching up, or dropped by its primary since its score was last reported (a monitor interval ago): the
            // score now says -1, and the copy keeps following. A failure here would restart it and count toward a
            // ban, so that a copy caught mid-catch-up at a failover lost its instance (CI saw it, stop 22).
            openReplica();
            throw new Declined("this copy is not whole (" + describe(was) + "): it must not become the primary");
        }
        Optional<PeerStates.Peer> other = PeerStates.moreCurrentThan(was, appliedSeq, settings, asked);
        if (other.isPresent() && other.get().newerThan(was)) {
            // Not whole until a primary brings it up to date (it follows again at once): haven promotes the newer copy.
            was.withWhole(false).write(stateFile());
            openReplica();
            throw new Declined(other.get().peer() + " holds a newer copy (" + describe(other.get().state()) + " against this "
                    + describe(was) + "): it must be promoted instead");
        }
        if (other.isPresent()) {
            // Whole but behind: its score drops below the other's until it follows a primary again, and it stays
            // promotable should the other copy be gone by then.
            deferredAt = Optional.of(was);
            openReplica();
            throw new Declined(other.get().peer() + " applied more of " + (followed.isEmpty() ? "the last primary" : followed)
                    + "'s stream (record " + other.get().appliedSeq() + " against this copy's " + appliedSeq + ", " + describe(was)
                    + "): it must be promoted instead");
        }
        long g = Math.max(generation, was.generation());
        new DataState(g, 1, true, true).write(stateFile());
        primary = PrimaryStream.start(settings, g, settings.metaDir().resolve("layer.sock"),
                settings.metaDir().resolve("haven-rdir.log"), stateFile(), log, inSync);
    }

    public synchronized void stop() {
        if (primary != null) primary.close();
        if (replica != null) replica.close();
        primary = null;
        replica = null;
    }

    /** Why the role held cannot do its work, or empty when it can (or when stopped). */
    public synchronized Optional<String> problem() {
        return primary == null ? Optional.empty() : primary.problem();
    }

    /**
     * The promotion score: the copy's {@link DataState#score}, one lower while it defers to a peer that applied more of
     * the same primary's stream (which puts a whole replica below the other replicas of its epoch, never below zero).
     */
    public synchronized long score() throws IOException {
        DataState s = state();
        boolean deferring = deferredAt.isPresent() && deferredAt.get().equals(s) && s.whole() && !s.primary();
        return s.score() - (deferring ? 1 : 0);
    }

    /** What the copy is known to be now. */
    public synchronized DataState state() throws IOException {
        return replica != null ? replica.state() : DataState.read(stateFile());
    }

    public synchronized long processGroup() {
        return primary == null ? 0 : primary.processGroup();
    }

    /**
     * The role and what it knows, for status, as ordered key and value: on the primary the in-sync set, each replica's
     * phase and lag, the confirmation delay percentiles and what a failover now would lose; on a replica whom it
     * follows, how far, and how many entries it kept aside.
     */
    public synchronized Map<String, String> status() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        DataState s = state();
        out.put("role", role().name().toLowerCase(Locale.ROOT));
        out.put("generation", Long.toString(s.generation()));
        out.put("epoch", Long.toString(s.epoch()));
        out.put("whole", Boolean.toString(s.whole()));
        out.put("score", Long.toString(score()));
        if (primary != null) {
            out.put("last_record", Long.toString(primary.lastRecord()));
            out.put("in_sync", String.join(",", primary.inSync()));
            primary.replicas().forEach((peer, how) -> out.put("replica." + peer, how));
            primary.lagBytes().forEach((peer, bytes) -> out.put("lag_bytes." + peer, Long.toString(bytes)));
            out.put("would_lose_bytes", Long.toString(primary.wouldLoseBytes()));
            if (settings.minInSync() > 0) {
                out.put("min_in_sync", Integer.toString(settings.minInSync()));
                out.put("refused_syncs", Long.toString(primary.refusedSyncs()));
            }
            out.put("lag_p50_ms", String.format(Locale.ROOT, "%.2f", primary.lagMillis(50)));
            out.put("lag_p99_ms", String.format(Locale.ROOT, "%.2f", primary.lagMillis(99)));
            primary.problem().ifPresent(p -> out.put("problem", p));
        }
        if (replica != null) {
            out.put("following", replica.primary());
            out.put("applied_record", Long.toString(replica.appliedSeq()));
            out.put("kept_aside", Long.toString(replica.keptAside()));
        }
        return out;
    }

    /** Writes {@link #status} into the meta folder's status file, where `haven lab` and an administrator read it. */
    public void writeStatus() throws IOException {
        StringBuilder b = new StringBuilder();
        status().forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        haven.core.AtomicFile.replace(settings.metaDir().resolve("status"), b.toString());
    }

    static String describe(DataState s) {
        return "generation " + s.generation() + " epoch " + s.epoch() + (s.primary() ? " as primary" : "") + (s.whole() ? ", whole" : ", not whole");
    }

    private Path stateFile() {
        return settings.metaDir().resolve("state");
    }
}
