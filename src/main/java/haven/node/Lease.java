package haven.node;

import haven.core.NodeId;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The quorum lease: a node may run resources only while it sits in a view holding a majority of the
 * configured nodes and has heard a heartbeat, stamped with that same view, from enough of them within
 * the lease time to make a majority with itself. Pure: time comes in as a parameter.
 */
final class Lease {
    private final NodeId self;
    private final int majority;
    private final long leaseMs;
    private final Map<NodeId, Long> lastBeatMs = new TreeMap<>();
    private final Map<NodeId, Long> lastVersion = new TreeMap<>();
    private String viewKey = "";
    private List<NodeId> members = List.of();

    Lease(NodeId self, int majority, long leaseMs) {
        this.self = self;
        this.majority = majority;
        this.leaseMs = leaseMs;
    }

    void viewChanged(String key, List<NodeId> newMembers) {
        viewKey = key;
        members = List.copyOf(newMembers);
        lastBeatMs.keySet().retainAll(members);
        lastVersion.keySet().retainAll(members);
    }

    void beat(NodeId from, String key, long stateVersion, long atMs) {
        if (key.equals(viewKey) && members.contains(from) && !from.equals(self)) {
            lastBeatMs.merge(from, atMs, Math::max);
            lastVersion.merge(from, stateVersion, Math::max);
        }
    }

    /** The state version {@code peer} announced, if its beat is fresh (within the lease). */
    java.util.Optional<Long> freshVersion(NodeId peer, long nowMs) {
        Long at = lastBeatMs.get(peer);
        if (at == null || nowMs - at > leaseMs) return java.util.Optional.empty();
        return java.util.Optional.ofNullable(lastVersion.get(peer));
    }

    boolean valid(long nowMs) {
        if (!members.contains(self) || members.size() < majority) return false;
        long fresh = lastBeatMs.values().stream().filter(t -> nowMs - t <= leaseMs).count();
        return fresh + 1 >= majority;
    }

    /** When the lease would run out if no further beat came; for status. */
    long expiresAtMs() {
        List<Long> times = lastBeatMs.values().stream().sorted(java.util.Comparator.reverseOrder()).toList();
        int needed = majority - 1;
        if (needed <= 0) return Long.MAX_VALUE;
        if (times.size() < needed) return Long.MIN_VALUE;
        return times.get(needed - 1) + leaseMs;
    }
}
