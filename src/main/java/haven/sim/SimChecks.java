package haven.sim;

import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.Operation;
import haven.node.Effect;
import haven.node.NodeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The safety checks, run on the history as it happens: each breach becomes a violation with its time.
 * <ul>
 *   <li>A resource never starts on a witness, nor while another node still runs it; a promotable group's promoted
 *   member runs on many nodes, but is never promoted while another node holds its primary role, nor while a replica
 *   it reaches holds a more current copy of the data ({@link SimCopies}).</li>
 *   <li>No resource action (start, reload) by a node outside a quorate partition: unless a majority of its
 *   log's voters counted it (heard by it, holding it in their views) within its lease plus the heartbeats'
 *   delivery time, it could not hold a lease, so it must not act.</li>
 *   <li>An acknowledged change is never lost: a node's applied cluster state never goes back to an older
 *   version, and every node ends with the log's last committed state.</li>
 * </ul>
 */
final class SimChecks {
    /** Violations that are not about safety: the cluster did not recover in time. */
    static final String LIVENESS = "liveness: ";
    /** A beat already on its way when the cut came may still arrive: delivery and jitter, and the agent's own delay. */
    private static final long IN_FLIGHT_MS = 250;

    private final SimCluster c;
    final List<String> violations = new ArrayList<>();
    /** The voters that count each node now ({@link #counts}), and when each last stopped doing so. */
    private final Map<NodeId, Set<NodeId>> countedBy = new TreeMap<>();
    private final Map<NodeId, Map<NodeId, Long>> lastCountedAt = new TreeMap<>();
    private final Map<NodeId, Long> appliedVersion = new TreeMap<>();

    SimChecks(SimCluster c) {
        this.c = c;
    }

    private void violation(String text) {
        c.trace(" VIOLATION " + text);
        violations.add("t=" + c.now() + "ms: " + text);
    }

    /** {@code r} starts on {@code n}: never on a witness, never while another node still runs it. */
    void started(NodeId n, ResourceId r) {
        if (c.config.node(n).map(haven.config.NodeConfig::isWitness).orElse(false)) {
            violation(r + " started on witness " + n);
        }
        // A promotable group's promoted members run on every instance; the primary role is checked instead.
        boolean replicated = c.config.resource(r).isPresent() && c.config.groupOf(r).replicaMembers().contains(r);
        if (c.host(n).running.add(r) && !replicated) {
            for (NodeId other : c.config.nodeIds()) {
                if (!other.equals(n) && c.host(other).running.contains(r)) {
                    violation(r + " started on " + n + " while still running on " + other);
                }
            }
        }
    }

    /** {@code r} takes the primary role on {@code n}: never while another node still holds it. */
    void promoted(NodeId n, ResourceId r) {
        if (c.config.groupOf(r).notifies() && !c.host(n).toldOfPromotion.contains(r)) {
            violation(r + " promoted on " + n + " before its instance there was told (no pre-promote notice since it started)");
        }
        if (c.copies.replicated(r)) {
            c.copies.moreCurrentThanAwake(n, r).ifPresent(m -> violation(r + " promoted on " + n + " behind the copy on " + m + " ("
                    + c.copies.of(m, r) + " against " + c.copies.of(n, r) + "), a replica it reaches that could take the role instead"));
        }
        c.host(n).promoted.add(r);
        Set<NodeId> holders = primaries(r);
        if (holders.size() > 1) violation(r + " promoted on " + n + " while still primary on " + holders.stream().filter(o -> !o.equals(n)).toList());
    }

    /** The nodes where {@code r} runs in the primary role. */
    Set<NodeId> primaries(ResourceId r) {
        Set<NodeId> s = new TreeSet<>();
        for (NodeId n : c.config.nodeIds()) {
            if (c.host(n).running.contains(r) && c.host(n).promoted.contains(r)) s.add(n);
        }
        return s;
    }

    /** Reachability, liveness or voters changed: note who left or joined a quorate partition. */
    void topologyChanged() {
        for (NodeId n : c.config.nodeIds()) {
            Set<NodeId> now = new TreeSet<>();
            for (NodeId v : c.config.nodeIds()) {
                if (counts(v, n)) now.add(v);
            }
            Set<NodeId> before = countedBy.getOrDefault(n, Set.of());
            for (NodeId v : before) {
                if (!now.contains(v)) lastCountedAt.computeIfAbsent(n, k -> new TreeMap<>()).put(v, c.now());
            }
            countedBy.put(n, now);
        }
    }

    /**
     * Whether voter {@code v} counts node {@code n} now: it is up, heard by {@code n}, and holds {@code n} in its
     * view, so its heartbeats renew n's lease (until it installs a view without n; the others then wait out the
     * lease). A node counts itself while it is up.
     */
    private boolean counts(NodeId v, NodeId n) {
        if (v.equals(n)) return c.host(n).up(c.now());
        return c.host(v).up(c.now()) && c.net.reaches(v, n) && c.net.viewMembers.getOrDefault(v, List.of()).contains(n);
    }

    /** A node runs an agent action that changes what is active (a start, a reload, a promotion). */
    void acted(NodeId n, Effect.RunOp op) {
        if (op.op() != Operation.START && op.op() != Operation.RELOAD && op.op() != Operation.PROMOTE) return;
        long allowed = c.config.timing().lease().toMillis() + IN_FLIGHT_MS;
        Set<NodeId> voters = c.log.voters(n);
        Set<NodeId> now = countedBy.getOrDefault(n, Set.of());
        Map<NodeId, Long> last = lastCountedAt.getOrDefault(n, Map.of());
        // A voter that counted n within the lease (and the beats' delivery) may still renew its lease.
        long counting = voters.stream().filter(v -> now.contains(v) || c.now() - last.getOrDefault(v, Long.MIN_VALUE / 2) <= allowed).count();
        if (counting < voters.size() / 2 + 1) {
            violation(n + " ran " + op.op() + " of " + op.resource() + " outside a quorate partition (counted within the lease and"
                    + " delivery, " + allowed + " ms, by " + counting + " of its " + voters.size() + " voters)");
        }
    }

    /** After a node took in {@code event}: the state it applied never goes back. */
    void stepped(SimHost h, NodeEvent event) {
        if (!(event instanceof NodeEvent.StateChanged)) return;
        long version = h.core.status().state().version();
        Long before = appliedVersion.put(h.id, version);
        if (before != null && version < before) {
            violation(h.id + " went back from cluster state version " + before + " to " + version + ": acknowledged changes lost");
        }
    }

    /** The daemon restarted: it learns the state again from the log. */
    void forget(NodeId n) {
        appliedVersion.remove(n);
    }

    /** At the end: every running daemon holds the log's last committed state. */
    void converged() {
        long committed = c.committed().version();
        for (NodeId n : c.config.nodeIds()) {
            SimHost h = c.host(n);
            if (!h.alive) continue;
            long version = h.core.status().state().version();
            if (version != committed) {
                violation(n + " ended with cluster state version " + version + ", not the committed " + committed
                        + ": acknowledged changes lost for it");
            }
        }
    }

    Set<NodeId> holders(ResourceId r) {
        Set<NodeId> s = new TreeSet<>();
        for (NodeId n : c.config.nodeIds()) {
            if (c.host(n).running.contains(r)) s.add(n);
        }
        return s;
    }
}
