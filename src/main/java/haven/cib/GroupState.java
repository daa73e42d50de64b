package haven.cib;

import haven.core.NodeId;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Where a group may run. {@code assigned} is the one node allowed to start it. {@code mayBeActive} holds
 * every node that was assigned the group and has not yet confirmed it stopped (or been declared lost):
 * the group may be started on a node only when no other node is in this set. {@code generation} grows by
 * one at every assignment, cluster-wide, so stale reports are recognised and ignored.
 *
 * <p>A promotable group: {@code instances} are the nodes that run its promoted members (the replicas, and the
 * primary's node); {@code assigned} is the primary, and {@code mayBeActive} the nodes that may still hold the
 * primary role, so the same rule that never runs a group twice never makes two primaries. Replicas need no such
 * rule: any number may run. {@code scores}: the promotion score each instance's agent set (crm_master), which ranks
 * the nodes for the primary role. {@code round}: the last notification round ({@link NotifyRound}), of a promotable
 * group whose agents want notifications. All empty for a plain group.
 *
 * <p>A clone (a group run on several nodes at once, none of them a primary): {@code instances} are the nodes that run
 * it, {@code mayBeActive} those that may still run it (a node removed from the instances stays until it reports its
 * instance stopped), {@code startedOn} those that reported theirs started; {@code assigned} is always empty.
 */
public record GroupState(Optional<NodeId> assigned, long generation, SortedSet<NodeId> mayBeActive, boolean started,
        SortedSet<NodeId> instances, java.util.SortedMap<NodeId, Long> scores, Optional<NotifyRound> round,
        SortedSet<NodeId> startedOn) {

    public static final GroupState UNPLACED = new GroupState(Optional.empty(), 0, new TreeSet<>(), false);

    public GroupState {
        mayBeActive = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(mayBeActive));
        // Absent in states written before promotable groups existed.
        instances = java.util.Collections.unmodifiableSortedSet(instances == null ? new TreeSet<>() : new TreeSet<>(instances));
        scores = java.util.Collections.unmodifiableSortedMap(scores == null ? new java.util.TreeMap<>() : new java.util.TreeMap<>(scores));
        if (round == null) round = Optional.empty(); // states written before notifications
        startedOn = java.util.Collections.unmodifiableSortedSet(startedOn == null ? new TreeSet<>() : new TreeSet<>(startedOn));
    }

    public GroupState(Optional<NodeId> assigned, long generation, SortedSet<NodeId> mayBeActive, boolean started,
            SortedSet<NodeId> instances, java.util.SortedMap<NodeId, Long> scores, Optional<NotifyRound> round) {
        this(assigned, generation, mayBeActive, started, instances, scores, round, new TreeSet<>());
    }

    public GroupState(Optional<NodeId> assigned, long generation, SortedSet<NodeId> mayBeActive, boolean started,
            SortedSet<NodeId> instances, java.util.SortedMap<NodeId, Long> scores) {
        this(assigned, generation, mayBeActive, started, instances, scores, Optional.empty());
    }

    public GroupState(Optional<NodeId> assigned, long generation, SortedSet<NodeId> mayBeActive, boolean started) {
        this(assigned, generation, mayBeActive, started, new TreeSet<>(), new java.util.TreeMap<>());
    }

    public GroupState(Optional<NodeId> assigned, long generation, SortedSet<NodeId> mayBeActive, boolean started, SortedSet<NodeId> instances) {
        this(assigned, generation, mayBeActive, started, instances, new java.util.TreeMap<>());
    }

    /** The same instances with another primary placement. */
    GroupState placed(Optional<NodeId> node, long generation, SortedSet<NodeId> active, boolean started) {
        return new GroupState(node, generation, active, started, instances, scores, round, startedOn);
    }

    /**
     * A clone's new instances: each new node may run one from now on (it joins {@code mayBeActive}), a node no longer
     * listed keeps its place there until it reports its instance stopped, and only listed nodes count as started.
     */
    GroupState withClones(SortedSet<NodeId> nodes) {
        TreeSet<NodeId> active = new TreeSet<>(mayBeActive);
        active.addAll(nodes);
        TreeSet<NodeId> up = new TreeSet<>(startedOn);
        up.retainAll(nodes);
        return new GroupState(assigned, generation, active, started, nodes, scores, round, up);
    }

    /** A clone's instance on {@code node} reported started (ignored unless {@code node} is still listed). */
    GroupState withInstanceStarted(NodeId node) {
        if (!instances.contains(node) || startedOn.contains(node)) return this;
        TreeSet<NodeId> up = new TreeSet<>(startedOn);
        up.add(node);
        return new GroupState(assigned, generation, mayBeActive, started, instances, scores, round, up);
    }

    /** A clone's instance on {@code node} reported stopped: it may run there no more (ignored while still listed there). */
    GroupState withInstanceReleased(NodeId node) {
        if (instances.contains(node) || !mayBeActive.contains(node)) return this;
        TreeSet<NodeId> active = new TreeSet<>(mayBeActive);
        active.remove(node);
        return new GroupState(assigned, generation, active, started, instances, scores, round, startedOn);
    }

    /** {@code node} is gone: nothing of the group runs there any more. */
    GroupState withoutStartedOn(NodeId node) {
        if (!startedOn.contains(node)) return this;
        TreeSet<NodeId> up = new TreeSet<>(startedOn);
        up.remove(node);
        return new GroupState(assigned, generation, mayBeActive, started, instances, scores, round, up);
    }

    /**
     * Other instances; a node that no longer runs one has no score either, and an open round waits for it no longer.
     */
    GroupState withInstances(SortedSet<NodeId> nodes) {
        java.util.TreeMap<NodeId, Long> kept = new java.util.TreeMap<>(scores);
        kept.keySet().retainAll(nodes);
        Optional<NotifyRound> r = round.map(x -> x.without(x.awaiting().stream().filter(n -> !nodes.contains(n)).toList()));
        return new GroupState(assigned, generation, mayBeActive, started, nodes, kept, r, startedOn);
    }

    GroupState withScore(NodeId node, Optional<Long> score) {
        java.util.TreeMap<NodeId, Long> next = new java.util.TreeMap<>(scores);
        score.ifPresentOrElse(v -> next.put(node, v), () -> next.remove(node));
        return new GroupState(assigned, generation, mayBeActive, started, instances, next, round, startedOn);
    }

    /** True when the group may be started on {@code node} without risk of running twice. */
    public boolean onlyPossiblyActiveOn(NodeId node) {
        return mayBeActive.stream().allMatch(node::equals);
    }

    GroupState withMayBeActive(SortedSet<NodeId> nodes) {
        return new GroupState(assigned, generation, nodes, started, instances, scores, round, startedOn);
    }

    GroupState withRound(NotifyRound r) {
        return new GroupState(assigned, generation, mayBeActive, started, instances, scores, Optional.of(r), startedOn);
    }
}
