package haven.config;

import haven.core.GroupId;
import haven.core.NodeId;
import java.util.List;
import java.util.Optional;

/**
 * Where a group would rather run, beyond its preferred node: location scores for nodes (by name or by their
 * attributes) and colocations with other groups; the groups it starts after ({@code after:}); and {@code failback}, the
 * daily window in which a running group may move back to a better node (outside it, it stays where it runs); {@code needs},
 * what it takes of a node's capacity, by unit (no placement overcommits a node). The scheduler adds up the scores that
 * apply to a node; see {@link Score} for "always" and "never".
 */
public record PlacementRules(List<Location> locations, List<Colocation> colocations, List<After> after,
        java.util.Optional<TimeWindow> failback, java.util.SortedMap<String, Long> needs, int clones) {
    /** {@code clone: all}: an instance on every node that may run one. */
    public static final int ALL = Integer.MAX_VALUE;

    public static final PlacementRules NONE = new PlacementRules(List.of(), List.of(), List.of(), java.util.Optional.empty());

    public PlacementRules {
        locations = List.copyOf(locations);
        colocations = List.copyOf(colocations);
        after = List.copyOf(after);
        needs = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(needs == null ? java.util.Map.of() : needs));
        if (clones < 0) throw new IllegalArgumentException("a clone runs on at least one node, not " + clones);
    }

    public PlacementRules(List<Location> locations, List<Colocation> colocations, List<After> after,
            java.util.Optional<TimeWindow> failback, java.util.SortedMap<String, Long> needs) {
        this(locations, colocations, after, failback, needs, 0);
    }

    public PlacementRules(List<Location> locations, List<Colocation> colocations, List<After> after,
            java.util.Optional<TimeWindow> failback) {
        this(locations, colocations, after, failback, new java.util.TreeMap<>());
    }

    public PlacementRules(List<Location> locations, List<Colocation> colocations, List<After> after) {
        this(locations, colocations, after, java.util.Optional.empty());
    }

    public PlacementRules(List<Location> locations, List<Colocation> colocations) {
        this(locations, colocations, List.of());
    }

    /** The groups this one is decided after: those it is colocated with and those it starts after. */
    public List<GroupId> dependsOn() {
        if (after.isEmpty() && colocations.isEmpty()) return List.of();
        List<GroupId> out = new java.util.ArrayList<>(colocations.size() + after.size());
        colocations.forEach(c -> out.add(c.with()));
        after.forEach(a -> out.add(a.first()));
        return out;
    }

    /** No location or colocation (orders do not change where a group runs, only when). */
    public boolean isEmpty() {
        return locations.isEmpty() && colocations.isEmpty();
    }

    /**
     * The group starts only after {@code first} has started (its primary promoted, if promotable). Mandatory: it runs
     * only while {@code first} runs, so it is stopped before {@code first} stops or moves and started again after;
     * optional: it only waits when both are starting.
     */
    public record After(GroupId first, boolean mandatory) {}

    /** A score for one node ({@code node}) or for every node whose attributes pass {@code where}. */
    public record Location(Optional<NodeId> node, Optional<NodeRule> where, long score) {
        public Location {
            if (node.isPresent() == where.isPresent()) throw new IllegalArgumentException("a location names a node or a rule, not both");
        }

        public boolean appliesTo(NodeConfig n) {
            return node.map(n.id()::equals).orElseGet(() -> where.orElseThrow().matches(n.attributes()));
        }

        /** How {@code haven why} names it: the node, or the rule. */
        public String label() {
            return node.map(NodeId::name).orElseGet(() -> where.orElseThrow().toString());
        }
    }

    /**
     * Run with (a positive score; {@link Score#INFINITY}: only where) or apart from (negative; -inf: never where) the
     * group {@code with}: with its primary when that group is promotable, or with any of its instances when
     * {@code anyInstance}.
     */
    public record Colocation(GroupId with, long score, boolean anyInstance) {}
}
