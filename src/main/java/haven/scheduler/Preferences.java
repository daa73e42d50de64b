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
    static final Preferences NONE = new Preferences(null, Map.of(), new Decided());

    private final GroupConfig group;
    private final Map<NodeId, NodeConfig> nodes;
    private final Decided decided;

    private Preferences(GroupConfig group, Map<NodeId, NodeConfig> nodes, Decided decided) {
        this.group = group;
        this.nodes = nodes;
        this.decided = decided;
    }

    static Preferences of(GroupConfig group, Map<NodeId, NodeConfig> nodes, Decided decided) {
        return group.placement().isEmpty() ? NONE : new Preferences(group, nodes, decided);
    }

    static Map<NodeId, NodeConfig> nodesOf(ClusterConfig config) {
        Map<NodeId, NodeConfig> out = new java.util.HashMap<>();
        config.nodes().forEach(n -> out.put(n.id(), n));
        return out;
    }

    boolean isNone() {
        return this == NONE;
    }

    /** Where this plan puts each group placed so far: its node (a promotable group's primary) and its instances. */
    static final class Decided {
        private final Map<GroupId, Optional<NodeId>> primary = new java.util.HashMap<>();
        private final Map<GroupId, SortedSet<NodeId>> instances = new java.util.HashMap<>();

        void record(GroupId group, Optional<NodeId> node, SortedSet<NodeId> instanceNodes) {
            primary.put(group, node);
            instances.put(group, instanceNodes);
        }

        Optional<NodeId> node(GroupId group) {
            return primary.getOrDefault(group, Optional.empty());
        }

        boolean holds(PlacementRules.Colocation c, NodeId n) {
            return c.anyInstance() ? instances.getOrDefault(c.with(), new TreeSet<>()).contains(n) : node(c.with()).equals(Optional.of(n));
        }
    }

    /** What rules the group's primary (or its only instance) off {@code n}: a -inf location or a mandatory colocation. */
    Optional<String> forbids(NodeId n) {
        if (isNone()) return Optional.empty();
        Optional<String> banned = bannedInstance(n);
        if (banned.isPresent()) return banned;
        for (PlacementRules.Colocation c : group.placement().colocations()) {
            boolean there = decided.holds(c, n);
            if (Score.always(c.score()) && !there) {
                String at = c.anyInstance() ? "has no instance here" : decided.node(c.with()).map(x -> "runs on " + x).orElse("runs nowhere");
                return Optional.of("colocated with " + c.with() + ", which " + at);
            }
            if (Score.never(c.score()) && there) return Optional.of("kept apart from " + c.with() + ", which runs here");
        }
        return Optional.empty();
    }

    /** What rules any instance of the group off {@code n}: only a -inf location (colocations bind the primary). */
    Optional<String> bannedInstance(NodeId n) {
        if (isNone()) return Optional.empty();
        NodeConfig node = nodes.get(n);
        for (PlacementRules.Location l : group.placement().locations()) {
            if (Score.never(l.score()) && node != null && l.appliesTo(node)) return Optional.of("never here (location " + l.label() + ")");
        }
        return Optional.empty();
    }

    /** The sum of the scores that apply to {@code n}. */
    long score(NodeId n) {
        if (isNone()) return 0;
        long total = 0;
        for (Part part : parts(n)) total = Score.add(total, part.score());
        return total;
    }

    /** "+150 (rack=a +100, with cache +50)", or empty when no score applies to {@code n}. */
    String explain(NodeId n) {
        if (isNone()) return "";
        List<Part> parts = parts(n);
        if (parts.isEmpty()) return "";
        return "score " + Score.format(score(n)) + " (" + String.join(", ", parts.stream().map(p -> p.label() + " "
                + Score.format(p.score())).toList()) + ")";
    }

    private record Part(String label, long score) {}

    /** The scores that apply to {@code n}. */
    private List<Part> parts(NodeId n) {
        List<Part> out = new ArrayList<>();
        NodeConfig node = nodes.get(n);
        for (PlacementRules.Location l : group.placement().locations()) {
            if (node != null && l.appliesTo(node)) out.add(new Part(l.label(), l.score()));
        }
        for (PlacementRules.Colocation c : group.placement().colocations()) {
            if (decided.holds(c, n)) out.add(new Part("with " + c.with(), c.score()));
        }
        return out;
    }
}
