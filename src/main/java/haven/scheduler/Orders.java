package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.PlacementRules;
import haven.core.GroupId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The groups' {@code after:} orders within one plan. A group is decided after those it starts after
 * ({@link PlacementOrder}), so when it is decided this knows whether each of them runs once the plan is committed
 * ({@code up}: assigned, reported started, not about to stop). A mandatory order holds a dependent off while its
 * first group is not up, and holds the first group on its node while a dependent may still run, so stops go in
 * reverse: the dependent stops, reports it, then the first group stops or moves, starts, reports it, and the
 * dependent starts again. A cluster without orders shares {@link #NONE}.
 */
final class Orders {
    static final Orders NONE = new Orders(Map.of());

    /** For each group, the groups that start after it with a mandatory order. */
    private final Map<GroupId, List<GroupId>> dependents;
    private final Set<GroupId> up = new HashSet<>();
    private final Set<GroupId> stopping = new HashSet<>();
    /** Groups assigned once the plan is committed that have not reported started: where, for the optional orders. */
    private final Map<GroupId, haven.core.NodeId> starting = new HashMap<>();

    private Orders(Map<GroupId, List<GroupId>> dependents) {
        this.dependents = dependents;
    }

    static Orders of(ClusterConfig config) {
        Map<GroupId, List<GroupId>> dependents = null;
        for (GroupConfig g : config.groups()) {
            for (PlacementRules.After a : g.placement().after()) {
                if (dependents == null) dependents = new HashMap<>();
                if (a.mandatory()) dependents.computeIfAbsent(a.first(), k -> new ArrayList<>()).add(g.id());
            }
        }
        return dependents == null ? NONE : new Orders(dependents);
    }

    /**
     * What a group left once decided: {@code node}, where it is assigned once the plan is committed; {@code isUp},
     * assigned and reported started; {@code isStopping}, held on its node for its dependents to stop.
     */
    void record(GroupId group, Optional<haven.core.NodeId> node, boolean isUp, boolean isStopping) {
        if (this == NONE) return; // shared by every plan without orders: it must stay empty
        if (isUp) up.add(group);
        else node.ifPresent(n -> starting.put(group, n));
        if (isStopping) stopping.add(group);
    }

    /** Why {@code group} must not run now: a group it starts after (mandatory) is not up, or is about to stop. */
    Optional<String> mustNotRun(GroupConfig group) {
        for (PlacementRules.After a : group.placement().after()) {
            if (!a.mandatory()) continue;
            if (stopping.contains(a.first())) return Optional.of("starts after " + a.first() + ", which is about to stop");
            if (!up.contains(a.first())) return Optional.of("starts after " + a.first() + ", which is not running");
        }
        return Optional.empty();
    }

    /** Why {@code group} must not start yet: a group it starts after (optional order) is starting now. */
    Optional<String> mustNotStartYet(GroupConfig group) {
        for (PlacementRules.After a : group.placement().after()) {
            if (a.mandatory()) continue;
            haven.core.NodeId at = starting.get(a.first());
            if (at != null) return Optional.of("starts after " + a.first() + ", which is starting on " + at);
        }
        return Optional.empty();
    }

    /** The groups that start after {@code group} (mandatory) and may still run somewhere: they stop first. */
    List<GroupId> activeDependents(GroupId group, ClusterState state) {
        List<GroupId> out = new ArrayList<>();
        for (GroupId d : dependents.getOrDefault(group, List.of())) {
            GroupState s = state.group(d);
            if (s.assigned().isPresent() || !s.mayBeActive().isEmpty()) out.add(d);
        }
        return out;
    }
}
