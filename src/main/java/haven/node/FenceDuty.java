package haven.node;

import haven.cib.ClusterState;
import haven.cib.FailureRecord;
import haven.cib.FenceRecord;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which nodes the coordinator must fence, and when it may try again. Two reasons, each only for a node that
 * may still run something (it is in some group's may-be-active set, or runs an instance of a promotable group):
 * <ul>
 *   <li>it is lost (out of the view past its lease): the lease already proves its resources stopped, so
 *   the takeover does not wait; fencing resets a machine that may be in an unknown state;</li>
 *   <li>a stop failed there: the resource may still be active, so its group is held on that node until the
 *   node is confirmed off, which the log records as a lost node, freeing the group.</li>
 * </ul>
 * Pure; the coordinator's core owns it.
 */
final class FenceDuty {
    static final long RETRY_MS = 5_000;

    private final ClusterConfig config;
    private final Set<NodeId> inFlight = new TreeSet<>();
    private final Map<NodeId, Long> retryAtMs = new TreeMap<>();
    /** Of {@link #inFlight}, the fencings of lost nodes. */
    private final Set<NodeId> forLoss = new TreeSet<>();
    /**
     * Lost nodes this coordinator has fenced since they were lost: not fenced again until they rejoin. Until the log
     * records them lost (never while maintenance holds the plan) they still count as running an instance, and each
     * fencing would start the next; one that ended after the node came back powered it off again, so it never could.
     */
    private final Set<NodeId> fencedSinceLost = new TreeSet<>();

    FenceDuty(ClusterConfig config) {
        this.config = config;
    }

    /** Targets to fence now, with the reason; each returned target counts as in flight until {@link #done}. */
    List<Map.Entry<NodeId, String>> due(ClusterState state, Set<NodeId> lost, NodeId self, long nowMs) {
        List<Map.Entry<NodeId, String>> out = new ArrayList<>();
        if (config.fencing().isEmpty()) return out;
        fencedSinceLost.retainAll(lost);
        for (NodeId n : config.nodeIds()) {
            // Never itself: a coordinator that powered itself off could not record it; leadership moves first.
            if (n.equals(self) || inFlight.contains(n) || nowMs < retryAtMs.getOrDefault(n, Long.MIN_VALUE)) continue;
            if (!config.fencing().get().canFence(n.name()) || !mayRunSomething(state, n) || fencedSinceLost.contains(n)) continue;
            String why = lost.contains(n) ? "lost while it may run resources" : stopFailure(state, n);
            if (why != null) {
                inFlight.add(n);
                if (lost.contains(n)) forLoss.add(n);
                out.add(Map.entry(n, why));
            }
        }
        return out;
    }

    void done(NodeId target, boolean ok, long nowMs) {
        inFlight.remove(target);
        if (forLoss.remove(target) && ok) fencedSinceLost.add(target);
        if (!ok) retryAtMs.put(target, nowMs + RETRY_MS);
    }

    private static boolean mayRunSomething(ClusterState state, NodeId n) {
        return state.groups().values().stream().anyMatch(g -> g.mayBeActive().contains(n) || g.instances().contains(n));
    }

    /**
     * A stop on {@code n} that neither ended nor could be forced off, newer than its last confirmed fencing, or null.
     * Also the two_node rule's: such a node is fencing itself, so no priority delay is owed to it ({@link PairQuorum}).
     */
    static String stopFailure(ClusterState state, NodeId n) {
        long lastFenced = state.fencing().stream().filter(f -> f.ok() && f.node().equals(n))
                .mapToLong(FenceRecord::atEpochMs).max().orElse(Long.MIN_VALUE);
        return state.failures().stream()
                .filter(f -> f.node().equals(n) && stuck(f) && f.atEpochMs() > lastFenced)
                .map(FailureRecord::resource).findFirst()
                .map(r -> "the stop of " + r + " failed there").orElse(null);
    }

    /** Failures committed before scopes existed said so only in their text. */
    private static boolean stuck(FailureRecord f) {
        return f.scope() == haven.cib.FailureScope.STUCK
                || (f.detail().startsWith("stop: ") && f.detail().contains("forcing off failed"));
    }
}
