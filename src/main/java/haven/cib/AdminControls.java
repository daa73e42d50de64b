package haven.cib;

import haven.core.GroupId;
import haven.core.NodeId;
import java.util.Collections;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An administrator's day-two controls, as committed. {@code disabled}: groups kept stopped everywhere.
 * {@code unmanaged}: groups haven monitors and never acts on (it starts, stops, recovers and moves nothing of
 * them). {@code moveUntil}: when a move with a lifetime ends (the coordinator clears it then). {@code restarting}:
 * groups being restarted, each with the node it comes back on once stopped everywhere. {@code nodeMaintenance}:
 * nodes whose resources are left alone, as in cluster-wide maintenance, while the rest of the cluster works on.
 */
public record AdminControls(SortedSet<GroupId> disabled, SortedSet<GroupId> unmanaged, SortedMap<GroupId, Long> moveUntil,
        SortedMap<GroupId, NodeId> restarting, SortedSet<NodeId> nodeMaintenance) {

    public static final AdminControls NONE = new AdminControls(new TreeSet<>(), new TreeSet<>(), new TreeMap<>(), new TreeMap<>(),
            new TreeSet<>());

    public AdminControls {
        disabled = Collections.unmodifiableSortedSet(disabled == null ? new TreeSet<>() : new TreeSet<>(disabled));
        unmanaged = Collections.unmodifiableSortedSet(unmanaged == null ? new TreeSet<>() : new TreeSet<>(unmanaged));
        moveUntil = Collections.unmodifiableSortedMap(moveUntil == null ? new TreeMap<>() : new TreeMap<>(moveUntil));
        restarting = Collections.unmodifiableSortedMap(restarting == null ? new TreeMap<>() : new TreeMap<>(restarting));
        nodeMaintenance = Collections.unmodifiableSortedSet(nodeMaintenance == null ? new TreeSet<>() : new TreeSet<>(nodeMaintenance));
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return disabled.isEmpty() && unmanaged.isEmpty() && moveUntil.isEmpty() && restarting.isEmpty() && nodeMaintenance.isEmpty();
    }

    /** Whether haven keeps its hands off {@code group} as placed now: unmanaged, or assigned to a node in maintenance. */
    public boolean handsOff(GroupId group, Optional<NodeId> assigned) {
        return unmanaged.contains(group) || assigned.map(nodeMaintenance::contains).orElse(false);
    }

    AdminControls disabled(GroupId group, boolean on) {
        TreeSet<GroupId> next = new TreeSet<>(disabled);
        if (on) next.add(group); else next.remove(group);
        return new AdminControls(next, unmanaged, moveUntil, restarting, nodeMaintenance);
    }

    AdminControls managed(GroupId group, boolean on) {
        TreeSet<GroupId> next = new TreeSet<>(unmanaged);
        if (on) next.remove(group); else next.add(group);
        return new AdminControls(disabled, next, moveUntil, restarting, nodeMaintenance);
    }

    AdminControls moveUntil(GroupId group, Optional<Long> until) {
        TreeMap<GroupId, Long> next = new TreeMap<>(moveUntil);
        until.ifPresentOrElse(t -> next.put(group, t), () -> next.remove(group));
        return new AdminControls(disabled, unmanaged, next, restarting, nodeMaintenance);
    }

    AdminControls restarting(GroupId group, Optional<NodeId> backOn) {
        TreeMap<GroupId, NodeId> next = new TreeMap<>(restarting);
        backOn.ifPresentOrElse(n -> next.put(group, n), () -> next.remove(group));
        return new AdminControls(disabled, unmanaged, moveUntil, next, nodeMaintenance);
    }

    AdminControls nodeMaintenance(NodeId node, boolean on) {
        TreeSet<NodeId> next = new TreeSet<>(nodeMaintenance);
        if (on) next.add(node); else next.remove(node);
        return new AdminControls(disabled, unmanaged, moveUntil, restarting, next);
    }
}
