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
 */
public record GroupState(Optional<NodeId> assigned, long generation, SortedSet<NodeId> mayBeActive, boolean started) {

    public static final GroupState UNPLACED = new GroupState(Optional.empty(), 0, new TreeSet<>(), false);

    public GroupState {
        mayBeActive = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(mayBeActive));
    }

    /** True when the group may be started on {@code node} without risk of running twice. */
    public boolean onlyPossiblyActiveOn(NodeId node) {
        return mayBeActive.stream().allMatch(node::equals);
    }

    GroupState withMayBeActive(SortedSet<NodeId> nodes) {
        return new GroupState(assigned, generation, nodes, started);
    }
}
