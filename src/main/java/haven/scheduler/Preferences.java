package haven.scheduler;

import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.config.PlacementRules;
import haven.config.Score;
import haven.core.GroupId;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * One group's {@code location:} and {@code colocate:} preferences, weighed against what this plan already decided
 * for the groups it is colocated with (which the plan places first, {@link PlacementOrder}). A group without
 * preferences shares {@link #NONE}, which allows every node and scores each 0, so plain groups cost nothing.
 */
final class Preferences {
    static final Preferences NONE = new Preferences(null, List.of(), new Decided());

    private final GroupConfig group;
    private final Decided decided;
    /** The scores that apply to each node, sparse: a node with none is absent. */
    private final Map<NodeId, List<Part>> parts = new java.util.HashMap<>(4);
    /** Nodes a -inf location rules out (for every instance), with the reason. */
    private Map<NodeId, String> never = Map.of();
    /** Nodes a -inf colocation rules out (for the primary, or the only instance), with the reason. */
    private Map<NodeId, String> apart = Map.of();
    /** Where the mandatory colocations leave room: the nodes all of them hold; absent without any. */
    private java.util.Set<NodeId> onlyOn;

    private record Part(String label, long score) {}

    private Preferences(GroupConfig group, java.util.Collection<NodeConfig> nodes, Decided decided) {
        this.group = group;
        this.decided = decided;
        if (group == null) return;
        for (PlacementRules.Location l : group.placement().locations()) {
            if (l.node().isPresent()) {
                add(l.node().get(), l);
                continue;
            }
            for (NodeConfig n : nodes) {
                if (l.appliesTo(n)) add(n.id(), l);
            }
        }
        for (PlacementRules.Colocation c : group.placement().colocations()) {
            String label = (decided.anyInstance(c) ? "with an instance of " : "with ") + c.with();
            if (Score.always(c.score())) {
                java.util.Set<NodeId> holders = new java.util.HashSet<>(decided.nodesOf(c));
                if (onlyOn == null) onlyOn = holders;
                else onlyOn.retainAll(holders);
            }
            for (NodeId n : decided.nodesOf(c)) {
                // A mandatory colocation only rules the other nodes out (onlyOn above): as in Pacemaker, it adds no
                // score where it holds, so the group's own location scores still choose among those nodes.
                if (!Score.always(c.score())) parts.computeIfAbsent(n, k -> new ArrayList<>(2)).add(new Part(label, c.score()));
                if (Score.never(c.score())) {
                    if (apart.isEmpty()) apart = new java.util.HashMap<>(4);
                    apart.putIfAbsent(n, "kept apart from " + c.with() + ", which runs here");
                }
            }
        }
    }

    private void add(NodeId n, PlacementRules.Location l) {
        parts.computeIfAbsent(n, k -> new ArrayList<>(2)).add(new Part(l.label(), l.score()));
        if (Score.never(l.score())) {
            if (never.isEmpty()) never = new java.util.HashMap<>(4);
            never.putIfAbsent(n, "never here (location " + l.label() + ")");
        }
    }

    static Preferences of(GroupConfig group, java.util.Collection<NodeConfig> nodes, Decided decided) {
        return group.placement().isEmpty() ? NONE : new Preferences(group, nodes, decided);
    }

    boolean isNone() {
        return this == NONE;
    }

    /** Where this plan puts each group placed so far: its node (a promotable group's primary) and its instances. */
    static final class Decided {
        private final Map<GroupId, Optional<NodeId>> primary = new java.util.HashMap<>();
        private final Map<GroupId, SortedSet<NodeId>> instances = new java.util.HashMap<>();
        /** Clones: a colocation with one means with any of its instances (it has no primary). */
        private final java.util.Set<GroupId> clones = new java.util.HashSet<>();

        void record(GroupId group, Optional<NodeId> node, SortedSet<NodeId> instanceNodes, boolean clone) {
            if (node.isPresent()) primary.put(group, node);
            if (!instanceNodes.isEmpty()) instances.put(group, instanceNodes);
            if (clone) clones.add(group);
        }

        boolean anyInstance(PlacementRules.Colocation c) {
            return c.anyInstance() || clones.contains(c.with());
        }

        Optional<NodeId> node(GroupId group) {
            return primary.getOrDefault(group, Optional.empty());
        }

        boolean holds(PlacementRules.Colocation c, NodeId n) {
            return anyInstance(c) ? instances.getOrDefault(c.with(), new TreeSet<>()).contains(n) : node(c.with()).equals(Optional.of(n));
        }

        /** The nodes where {@code c}'s group is: its node, or all its instances. */
        java.util.Collection<NodeId> nodesOf(PlacementRules.Colocation c) {
            if (anyInstance(c)) return instances.getOrDefault(c.with(), new TreeSet<>());
            return node(c.with()).map(List::of).orElse(List.of());
        }
    }

    /** Whether the group's primary (or its only instance) may run on {@code n}: {@link #forbids} without the words. */
    boolean allows(NodeId n) {
        if (isNone()) return true;
        if (onlyOn != null && !onlyOn.contains(n)) return false;
        return !never.containsKey(n) && !apart.containsKey(n);
    }

    /** What rules the group's primary (or its only instance) off {@code n}: a -inf location or colocation, or a mandatory colocation. */
    Optional<String> forbids(NodeId n) {
        if (isNone()) return Optional.empty();
        String banned = never.isEmpty() && apart.isEmpty() ? null : never.getOrDefault(n, apart.get(n));
        if (banned != null) return Optional.of(banned);
        for (PlacementRules.Colocation c : group.placement().colocations()) {
            if (Score.always(c.score()) && !decided.holds(c, n)) {
                String at = decided.anyInstance(c) ? "has no instance here" : decided.node(c.with()).map(x -> "runs on " + x).orElse("is not placed now");
                return Optional.of("colocated with " + c.with() + ", which " + at);
            }
        }
        return Optional.empty();
    }

    /** What rules any instance of the group off {@code n}: only a -inf location (colocations bind the primary). */
    Optional<String> bannedInstance(NodeId n) {
        return never.isEmpty() ? Optional.empty() : Optional.ofNullable(never.get(n));
    }

    /** The sum of the scores that apply to {@code n}. */
    long score(NodeId n) {
        List<Part> p = parts.get(n);
        if (p == null) return 0;
        long total = 0;
        for (Part part : p) total = Score.add(total, part.score());
        return total;
    }

    /** "score +150 (rack=a +100, with cache +50)", or empty when no score applies to {@code n}. */
    String explain(NodeId n) {
        List<Part> p = parts.get(n);
        if (p == null) return "";
        return "score " + Score.format(score(n)) + " (" + String.join(", ", p.stream().map(x -> x.label() + " "
                + Score.format(x.score())).toList()) + ")";
    }
}
