package haven.scheduler;

import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.NodeId;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * A promotable group's two placements: the nodes that run its instances, and which of them holds the primary
 * role. The primary goes to a node that already runs an instance whenever one can take it, because a replica
 * has the data and a fresh instance does not; and once placed it stays (no failback to the preferred node): a
 * node that has just come back runs a replica that is still catching up.
 */
final class InstancePlacement {

    private InstancePlacement() {}

    /**
     * Where the primary role should be; {@code current} is its holder now, {@code allowed} the nodes that may hold it
     * (eligible, and not ruled out by a location or colocation), {@code placement} each node's placement score.
     */
    static Optional<NodeId> primary(GroupConfig group, GroupState state, List<NodeId> nodes, Predicate<NodeId> allowed,
            ToLongFunction<NodeId> placement, Optional<NodeId> move, Map<NodeId, Integer> load, Optional<NodeId> current) {
        if (current.isPresent() && allowed.test(current.get())) {
            if (move.isPresent()) return move;
            // Not promoted yet, and another instance now ranks above it: its agent refused the role (a reachable
            // replica holds more of the data, so its own score dropped), or a better copy reported since. The role
            // goes to the better copy rather than to a retry that is refused again.
            if (!state.started() && state.scores().containsKey(current.get())) {
                Optional<NodeId> better = best(group, state, nodes, allowed, placement, load);
                if (better.isPresent() && rank(state, better.get()) > rank(state, current.get())) return better;
            }
            return current;
        }
        if (move.isPresent()) return move;
        return best(group, state, nodes, allowed, placement, load);
    }

    /**
     * The most current copy first (a placement preference never promotes a copy that is behind another that may take
     * the role); among equals the highest placement score, the preferred node, the least loaded.
     */
    private static Optional<NodeId> best(GroupConfig group, GroupState state, List<NodeId> nodes, Predicate<NodeId> allowed,
            ToLongFunction<NodeId> placement, Map<NodeId, Integer> load) {
        List<NodeId> candidates = state.instances().stream().filter(allowed).toList();
        if (candidates.isEmpty()) {
            candidates = nodes.stream().filter(allowed).toList();
        }
        // An agent's promotion score ranks its instance: a negative one says "not me" (a replica that is behind,
        // disconnected), the highest wins; an instance whose agent set none ranks after those that did.
        candidates = candidates.stream().filter(n -> state.scores().getOrDefault(n, 0L) >= 0).toList();
        long best = candidates.stream().mapToLong(n -> rank(state, n)).max().orElse(Long.MIN_VALUE);
        List<NodeId> top = candidates.stream().filter(n -> rank(state, n) == best).toList();
        long bestPlacement = top.stream().mapToLong(placement).max().orElse(0);
        top = top.stream().filter(n -> placement.applyAsLong(n) == bestPlacement).toList();
        if (group.preferredNode().isPresent() && top.contains(group.preferredNode().get())) return group.preferredNode();
        return top.stream().min(Comparator.comparing((NodeId n) -> load.getOrDefault(n, 0)));
    }

    /**
     * Before a new primary is chosen, the instances whose promotion score is still awaited: those on nodes in the
     * cluster that may run the group, have no score yet and no recent failure. Only for a group with a built-in
     * replicated member, whose agent reports its copy's score as soon as its instance runs: scores rank the copies,
     * and the pre-promotion query asks only running replicas, so a copy whose instance is still starting (every
     * instance stopped when the cluster lost quorum) would be neither ranked nor asked, and a copy behind it could be
     * promoted. The wait ends with each such instance's start, or with its failure. OCF agents may never set a score:
     * their groups do not wait.
     */
    static SortedSet<NodeId> scoresAwaited(GroupConfig group, ClusterConfig config, GroupState state, Eligibility eligibility) {
        TreeSet<NodeId> awaited = new TreeSet<>();
        if (!config.reportsCopyScores(group)) return awaited;
        for (NodeId n : state.instances()) {
            if (state.scores().containsKey(n) || !eligibility.canRun(group, n)) continue;
            if (group.replicaMembers().stream().noneMatch(r -> eligibility.failedRecently(r, n))) awaited.add(n);
        }
        return awaited;
    }

    private static long rank(GroupState state, NodeId node) {
        Long score = state.scores().get(node);
        return score == null ? -1 : score;
    }

    /**
     * The nodes that should run an instance: those that do and still may, the primary's, then more eligible nodes
     * (the preferred first, then the least loaded) up to one more than the replicas asked for.
     */
    static SortedSet<NodeId> instances(GroupConfig group, GroupState state, Predicate<NodeId> allowed, List<NodeId> nodes,
            Optional<NodeId> primary, Map<NodeId, Integer> load) {
        int replicas = group.promotable().orElseThrow().replicas();
        long limit = replicas == GroupConfig.Promotable.EVERY_NODE ? Long.MAX_VALUE : replicas + 1L;
        TreeSet<NodeId> out = new TreeSet<>();
        primary.ifPresent(out::add);
        for (NodeId n : state.instances()) {
            if (out.size() >= limit) break;
            if (allowed.test(n)) out.add(n);
        }
        fillUpTo(out, limit, nodes, allowed, Comparator.comparing((NodeId n) -> !group.preferredNode().equals(Optional.of(n)))
                .thenComparing(n -> load.getOrDefault(n, 0)));
        return out;
    }

    /** Adds the allowed nodes not in {@code out} yet, best first by {@code order} (then by name), until it holds {@code limit}. */
    static void fillUpTo(SortedSet<NodeId> out, long limit, List<NodeId> nodes, Predicate<NodeId> allowed, Comparator<NodeId> order) {
        if (out.size() >= limit) return;
        List<NodeId> more = nodes.stream().filter(n -> !out.contains(n) && allowed.test(n))
                .sorted(order.thenComparing(Comparator.naturalOrder())).toList();
        for (NodeId n : more) {
            if (out.size() >= limit) break;
            out.add(n);
        }
    }
}
