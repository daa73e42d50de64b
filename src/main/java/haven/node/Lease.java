package haven.node;

import haven.core.NodeId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Heartbeat bookkeeping for the two timing rules that keep a group from running twice. Pure: time comes
 * in as a parameter.
 *
 * <p><b>The quorum lease.</b> A node may run resources only while its view holds a majority of the
 * configured nodes and it has heard, within the lease time, heartbeats from enough peers to make a
 * majority with itself. A peer's beat counts only if each of the two has the other in its view: a peer
 * that has dropped this node from its view stops renewing this node's lease at once.
 *
 * <p><b>Declaring a node lost.</b> Views are not installed everywhere at the same instant (a second of
 * skew was seen in the lab), and a peer renews the lost node's lease until it installs the view without
 * it. So a node that left is declared lost only after every peer in this node's view has shown, by a
 * beat stamped with this very view, that it no longer counts the lost node; then the lease and a margin
 * must have passed since the last moment any of them (this node too) can have renewed the lost node's
 * lease: its <em>anchor</em>. A node renews from the echo of its own stamp (below), so a member's beats
 * renew the lost node at the latest from when that member took in the stamp it echoes, long before
 * detection ends; a member that held no stamp counts until it dropped the node. Each peer's beat carries
 * the age of its anchor; the anchor on this node's clock is at most the beat's reading time minus that age
 * (delivery takes no negative time), and a peer that says nothing anchors at its first beat of this view.
 * The lost node needs at least one member of this node's view to renew it (a majority is in this view), so
 * its lease ends by the latest anchor plus the lease; the margin covers clock-rate drift, its 20 ms tick,
 * its guard's force-off and the delivery of beats that echo nothing.
 *
 * <p><b>When a beat renews.</b> A beat read now may have waited in a socket while this node stood still
 * (a stall, a GC pause), sent before its peer dropped this node. So a beat renews the lease from the moment
 * it provably counts from: the send time of this node's own beat that the peer echoes back in it (the peer
 * heard that beat, then sent this one with this node in its view), never from when it was read. A peer that
 * echoes nothing (an older daemon) renews from the reading time, as before; see docs/design.md.
 */
final class Lease {
    private final NodeId self;
    private int majority;
    private final long leaseMs;
    /** Per peer, when its latest beat was read (what the state version and the pair's peer check go by). */
    private final Map<NodeId, Long> lastBeatMs = new TreeMap<>();
    /** Per peer, the moment from which its newest beat renews this node's lease (see "When a beat renews"). */
    private final Map<NodeId, Long> renewedFromMs = new TreeMap<>();
    private final Map<NodeId, Long> lastVersion = new TreeMap<>();
    private final Map<NodeId, Long> confirmedAtMs = new TreeMap<>();
    /** Each peer's latest beat: when it came and the members of the view it was stamped with. */
    private final Map<NodeId, Long> lastHeardMs = new TreeMap<>();
    private final Map<NodeId, List<NodeId>> lastPeerMembers = new TreeMap<>();
    private String viewKey = "";
    private long viewAtMs = 0;
    private List<NodeId> members = List.of();
    private long ignoreBeatsBeforeMs = Long.MIN_VALUE;
    /** Per node that left this node's view, this node's anchor (see "Declaring a node lost"). */
    private final Map<NodeId, Long> departedFromMs = new TreeMap<>();
    /** Per peer, per node out of the view, the earliest anchor its beats stamped with this view imply. */
    private final Map<NodeId, Map<NodeId, Long>> peerAnchorMs = new TreeMap<>();
    private long firstViewAtMs = Long.MIN_VALUE;

    Lease(NodeId self, int majority, long leaseMs) {
        this.self = self;
        this.majority = majority;
        this.leaseMs = leaseMs;
    }

    /** two_node mode: one after the peer was fenced, two once it is back. */
    void majority(int votes) {
        majority = votes;
    }

    void viewChanged(String key, List<NodeId> newMembers, long atMs) {
        if (firstViewAtMs == Long.MIN_VALUE) firstViewAtMs = atMs;
        for (NodeId m : members) {
            // This node's beats renewed m from the stamp it took in last, or until now if it held none.
            if (!m.equals(self) && !newMembers.contains(m)) departedFromMs.put(m, lastHeardMs.getOrDefault(m, atMs));
        }
        departedFromMs.keySet().removeAll(newMembers);
        peerAnchorMs.clear();
        viewKey = key;
        viewAtMs = atMs;
        members = List.copyOf(newMembers);
        lastBeatMs.keySet().retainAll(members);
        renewedFromMs.keySet().retainAll(members);
        lastVersion.keySet().retainAll(members);
        lastHeardMs.keySet().retainAll(members);
        lastPeerMembers.keySet().retainAll(members);
        confirmedAtMs.clear();
    }

    /**
     * This node stood still longer than a lease (SIGSTOP, a stall). The beats waiting in its socket were sent
     * before the others may have dropped it, yet they are stamped fresh as they are read now: the lease
     * ends here and only beats taken in after a drain time count again.
     */
    void frozen(long nowMs, long drainMs) {
        lastBeatMs.clear();
        renewedFromMs.clear();
        lastVersion.clear();
        confirmedAtMs.clear();
        lastHeardMs.clear();
        lastPeerMembers.clear();
        ignoreBeatsBeforeMs = nowMs + drainMs;
    }

    void beat(NodeId from, String key, List<NodeId> senderMembers, long stateVersion, long atMs) {
        beat(from, key, senderMembers, stateVersion, atMs, OptionalLong.empty());
    }

    /**
     * {@code echoedMs}: the send time of this node's own beat that the peer echoes (this node's clock), empty
     * when the peer does not echo. An echo later than the reading time cannot be true and counts as that.
     */
    void beat(NodeId from, String key, List<NodeId> senderMembers, long stateVersion, long atMs, OptionalLong echoedMs) {
        beat(from, key, senderMembers, stateVersion, atMs, echoedMs, Map.of());
    }

    /** {@code departedAgeMs}: the sender's anchors for the nodes out of its view, as ages at its send. */
    void beat(NodeId from, String key, List<NodeId> senderMembers, long stateVersion, long atMs, OptionalLong echoedMs,
            Map<NodeId, Long> departedAgeMs) {
        if (from.equals(self) || !members.contains(from) || atMs < ignoreBeatsBeforeMs) return;
        if (key.equals(viewKey)) {
            Map<NodeId, Long> anchors = peerAnchorMs.computeIfAbsent(from, k -> new TreeMap<>());
            departedAgeMs.forEach((node, age) -> anchors.merge(node, atMs - Math.max(0, age), Math::min));
        }
        if (atMs >= lastHeardMs.getOrDefault(from, Long.MIN_VALUE)) {
            lastHeardMs.put(from, atMs);
            lastPeerMembers.put(from, List.copyOf(senderMembers));
        }
        if (senderMembers.contains(self)) {
            lastBeatMs.merge(from, atMs, Math::max);
            long renewFrom = echoedMs.isPresent() ? Math.min(echoedMs.getAsLong(), atMs) : atMs;
            // An echo of an earlier run of this node renews nothing: the peer has not heard this run.
            boolean renews = renewFrom != NodeEvent.Beat.EARLIER_RUN && renewFrom >= ignoreBeatsBeforeMs;
            if (renews) renewedFromMs.merge(from, renewFrom, Math::max);
            lastVersion.merge(from, stateVersion, Math::max);
        }
        if (key.equals(viewKey)) {
            confirmedAtMs.putIfAbsent(from, atMs);
        }
    }

    boolean valid(long nowMs) {
        if (!members.contains(self) || members.size() < majority) return false;
        long fresh = renewedFromMs.values().stream().filter(t -> nowMs - t <= leaseMs).count();
        return fresh + 1 >= majority;
    }

    /**
     * When the lease runs out if no further beat arrives: the moment the freshest beats that still make a
     * majority with this node grow older than the lease. Empty when the lease is not valid now.
     */
    OptionalLong validUntil(long nowMs) {
        if (!valid(nowMs)) return OptionalLong.empty();
        int peersNeeded = majority - 1;
        if (peersNeeded == 0) return OptionalLong.of(nowMs + leaseMs);
        long[] freshest = renewedFromMs.values().stream().mapToLong(Long::longValue).filter(t -> nowMs - t <= leaseMs)
                .map(t -> -t).sorted().map(t -> -t).toArray();
        return OptionalLong.of(freshest[peersNeeded - 1] + leaseMs);
    }

    /**
     * Whether a peer in this node's view counts {@code node} as a member now (its beat within the lease was
     * stamped with a view holding it). A node that rejoined is back in the others' views, and renewing its
     * lease there, before this node installs that view: it must not be declared lost meanwhile (found by the
     * simulator, seed 2698: the coordinator moved a group from a node that had rejoined and started it).
     */
    boolean countedByAPeer(NodeId node, long nowMs) {
        return lastPeerMembers.entrySet().stream().anyMatch(e -> members.contains(e.getKey()) && e.getValue().contains(node)
                && nowMs - lastHeardMs.getOrDefault(e.getKey(), Long.MIN_VALUE) <= leaseMs);
    }

    /**
     * The configured nodes that are lost now: out of this node's view, the view confirmed by every peer
     * longer than {@code lostAfterMs} ago (rule 2 above), and counted by no peer ({@link #countedByAPeer}).
     */
    java.util.SortedSet<NodeId> lost(java.util.Collection<NodeId> configured, long nowMs, long lostAfterMs) {
        java.util.SortedSet<NodeId> lost = new java.util.TreeSet<>();
        if (viewConfirmedAtMs().isEmpty()) return lost;
        for (NodeId n : configured) {
            if (!members.contains(n) && !countedByAPeer(n, nowMs) && nowMs - renewableUntilMs(n) >= lostAfterMs) lost.add(n);
        }
        return lost;
    }

    /**
     * The latest moment from which a beat of this view's members can have renewed {@code node}'s lease (see
     * "Declaring a node lost"); only while every peer has confirmed the view.
     */
    long renewableUntilMs(NodeId node) {
        long latest = departedFromMs.getOrDefault(node, firstViewAtMs);
        for (NodeId m : members) {
            if (m.equals(self)) continue;
            long confirmedAt = confirmedAtMs.get(m);
            latest = Math.max(latest, Math.min(confirmedAt, peerAnchorMs.getOrDefault(m, Map.of()).getOrDefault(node, confirmedAt)));
        }
        return latest;
    }

    /** The state version {@code peer} announced, if its beat is fresh (within the lease). */
    Optional<Long> lastBeatAtMs(NodeId peer) {
        return Optional.ofNullable(lastBeatMs.get(peer));
    }

    Optional<Long> freshVersion(NodeId peer, long nowMs) {
        Long at = lastBeatMs.get(peer);
        if (at == null || nowMs - at > leaseMs) return Optional.empty();
        return Optional.ofNullable(lastVersion.get(peer));
    }

    /**
     * Since when every peer in the current view has confirmed holding it (the view's own time if alone),
     * or empty while some peer has not yet.
     */
    OptionalLong viewConfirmedAtMs() {
        long latest = viewAtMs;
        for (NodeId m : members) {
            if (m.equals(self)) continue;
            Long at = confirmedAtMs.get(m);
            if (at == null) return OptionalLong.empty();
            latest = Math.max(latest, at);
        }
        return OptionalLong.of(latest);
    }
}
