package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.core.NodeId;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeSet;

/**
 * The nodes' capacities and what the groups use of them, kept through one plan so that no placement overcommits a
 * node. A group uses its needs on every node it occupies: where it is assigned, where its instances run, and where it
 * may still be active (a group stopping on one node still holds that node's memory while it starts nowhere else).
 * A group that occupies a node stays within it even if the config lowered the node's capacity since: a capacity
 * change moves nothing by itself. A cluster whose groups need nothing shares {@link #NONE}.
 */
public final class Utilization {
    static final Utilization NONE = new Utilization(Map.of());

    private final Map<NodeId, SortedMap<String, Long>> capacity;
    private final Map<NodeId, Map<String, Long>> used = new HashMap<>();

    private Utilization(Map<NodeId, SortedMap<String, Long>> capacity) {
        this.capacity = capacity;
    }

    static Utilization of(ClusterConfig config, ClusterState state) {
        if (config.groups().stream().allMatch(g -> g.placement().needs().isEmpty())) return NONE;
        Map<NodeId, SortedMap<String, Long>> capacity = new HashMap<>();
        for (NodeConfig n : config.nodes()) capacity.put(n.id(), n.capacity());
        Utilization u = new Utilization(capacity);
        for (GroupConfig g : config.groups()) {
            if (g.placement().needs().isEmpty()) continue;
            for (NodeId n : occupied(state.group(g.id()))) u.add(g, n);
        }
        return u;
    }

    /** What a node lacks for a group: the first unit short, what the group needs of it, what is free and what the node has. */
    public record Shortfall(String unit, long need, long free, long has) {}

    /**
     * What {@code node} lacks to take {@code group} on top of what occupies it in {@code state}, if anything: for the API,
     * which refuses a move the scheduler would never carry out, with the same count.
     */
    public static Optional<Shortfall> shortfall(ClusterConfig config, ClusterState state, GroupConfig group, NodeId node) {
        return of(config, state).shortOf(group, node, state.group(group.id()));
    }

    /** What the groups occupying {@code node} use of each unit it offers (and of any other unit they need). */
    public static SortedMap<String, Long> usedOn(ClusterConfig config, ClusterState state, NodeId node) {
        SortedMap<String, Long> out = new java.util.TreeMap<>();
        config.node(node).ifPresent(c -> c.capacity().keySet().forEach(u -> out.put(u, 0L)));
        for (GroupConfig g : config.groups()) {
            if (occupied(state.group(g.id())).contains(node)) g.placement().needs().forEach((u, amount) -> out.merge(u, amount, Long::sum));
        }
        return out;
    }

    /** The nodes where a group uses its needs now. */
    static java.util.Set<NodeId> occupied(GroupState gs) {
        TreeSet<NodeId> out = new TreeSet<>(gs.mayBeActive());
        out.addAll(gs.instances());
        gs.assigned().ifPresent(out::add);
        return out;
    }

    /** Why {@code n} cannot take {@code group} on top of what it runs, if it cannot. */
    Optional<String> lacks(GroupConfig group, NodeId n, GroupState gs) {
        return shortOf(group, n, gs).map(s -> s.has() == 0 ? "no " + s.unit() + " capacity (needs " + s.need() + ")"
                : "not enough " + s.unit() + ": needs " + s.need() + ", " + s.free() + " free of " + s.has());
    }

    private Optional<Shortfall> shortOf(GroupConfig group, NodeId n, GroupState gs) {
        if (this == NONE || group.placement().needs().isEmpty() || occupied(gs).contains(n)) return Optional.empty();
        for (var e : group.placement().needs().entrySet()) {
            long free = free(n, e.getKey());
            if (e.getValue() > free) {
                long has = capacity.getOrDefault(n, java.util.Collections.emptySortedMap()).getOrDefault(e.getKey(), 0L);
                return Optional.of(new Shortfall(e.getKey(), e.getValue(), Math.max(0, free), has));
            }
        }
        return Optional.empty();
    }

    /** {@code group} is placed on {@code n} by this plan: unless it occupies {@code n} already, it uses its needs there. */
    void take(GroupConfig group, NodeId n, GroupState gs) {
        if (this == NONE || group.placement().needs().isEmpty() || occupied(gs).contains(n)) return;
        add(group, n);
    }

    /**
     * Which of two nodes has more capacity free, as Pacemaker's balanced strategy weighs it (so an imported cluster places
     * the same): per unit, who has more left; the node ahead in more units wins; 0 for a tie.
     */
    int compareFree(NodeId a, NodeId b) {
        if (this == NONE) return 0;
        java.util.Set<String> units = new java.util.TreeSet<>(capacity.getOrDefault(a, java.util.Collections.emptySortedMap()).keySet());
        units.addAll(capacity.getOrDefault(b, java.util.Collections.emptySortedMap()).keySet());
        int ahead = 0;
        for (String u : units) ahead += Long.compare(free(a, u), free(b, u));
        return Integer.signum(ahead);
    }

    private long free(NodeId n, String unit) {
        return capacity.getOrDefault(n, java.util.Collections.emptySortedMap()).getOrDefault(unit, 0L)
                - used.getOrDefault(n, Map.of()).getOrDefault(unit, 0L);
    }

    /**
     * The share of {@code n}'s scarcest unit still free (1 for a node without capacities, or in a cluster that needs
     * nothing): what the packed strategy compares.
     */
    double freeShare(NodeId n) {
        SortedMap<String, Long> cap = capacity.get(n);
        if (cap == null || cap.isEmpty()) return 1.0;
        Map<String, Long> use = used.getOrDefault(n, Map.of());
        double least = 1.0;
        for (var e : cap.entrySet()) {
            if (e.getValue() <= 0) continue;
            least = Math.min(least, (double) (e.getValue() - use.getOrDefault(e.getKey(), 0L)) / e.getValue());
        }
        return least;
    }

    private void add(GroupConfig g, NodeId n) {
        Map<String, Long> use = used.computeIfAbsent(n, k -> new HashMap<>());
        g.placement().needs().forEach((unit, amount) -> use.merge(unit, amount, Long::sum));
    }
}
