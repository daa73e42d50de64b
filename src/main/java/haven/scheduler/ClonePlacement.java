package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.config.PlacementRules;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A clone's placement: the nodes that run its instances at once ({@code clone: N}, or every node that may). An instance
 * stays where it runs while its node may run it; more go to the best nodes left (placement score, the preferred node,
 * then the strategy's choice) until there are N. Unlike a plain group, a new instance needs no other to stop first:
 * running on several nodes is the point. What stops a plain group stops every instance (disabled, a restart, a
 * mandatory order whose first group is not up), and the last instances wait for what starts after the clone to stop.
 */
final class ClonePlacement {
    /** {@code held}: the clone must stop but waits for the groups that start after it to stop first. */
    record Decision(List<Command> commands, Explanation explanation, boolean held) {}

    private ClonePlacement() {}

    static Decision decide(GroupConfig group, ClusterState state, Eligibility eligibility, Preferences prefs, Orders orders,
            Utilization util, Map<NodeId, Integer> load, SchedulerInput in, List<String> reasons) {
        GroupState gs = state.group(group.id());
        Optional<String> blocked = AdminRules.mustNotRun(group, gs, state.controls()).or(() -> orders.mustNotRun(group));
        Predicate<NodeId> allowed = n -> eligibility.canRun(group, n) && prefs.allows(n) && util.lacks(group, n, gs).isEmpty();
        SortedSet<NodeId> want = blocked.isPresent() ? new TreeSet<>() : choose(group, gs, allowed, eligibility.nodes(), prefs, load, in);
        if (in.holdFirstPlacement() && gs.instances().isEmpty() && gs.mayBeActive().isEmpty() && !want.isEmpty()) {
            return new Decision(List.of(), new Explanation(Optional.empty(),
                    "cold start: waiting for every node to join (or the start-up grace to pass) before the first placement", reasons), false);
        }
        if (want.equals(gs.instances())) {
            String decision = want.isEmpty() ? blocked.map(b -> AdminRules.blockedDecision(group, state.controls(), b))
                    .orElse("cannot run anywhere: no eligible node") : "instances on " + names(want) + started(gs);
            return new Decision(List.of(), new Explanation(Optional.empty(), decision, reasons), false);
        }
        if (want.isEmpty()) {
            List<haven.core.GroupId> dependents = orders.activeDependents(group.id(), state);
            if (!dependents.isEmpty()) {
                return new Decision(List.of(), new Explanation(Optional.empty(), "waiting on " + names(gs.instances()) + " for "
                        + String.join(", ", dependents.stream().map(haven.core.GroupId::name).toList())
                        + " to stop first (they start after " + group.id() + "), then stop every instance", reasons), true);
            }
        }
        for (NodeId n : want) {
            if (!gs.instances().contains(n)) {
                load.merge(n, 1, Integer::sum);
                util.take(group, n, gs);
            }
        }
        for (NodeId n : gs.instances()) {
            if (!want.contains(n)) load.merge(n, -1, Integer::sum);
        }
        List<Command> commands = new ArrayList<>();
        // A restart ends with the entry that starts the instances again.
        if (!want.isEmpty() && state.controls().restarting().containsKey(group.id())) {
            commands.add(new Command.Restart(group.id(), Optional.empty()));
        }
        commands.add(new Command.SetClones(group.id(), want));
        TreeSet<NodeId> stopping = new TreeSet<>(gs.instances());
        stopping.removeAll(want);
        String decision = (want.isEmpty() ? "stop every instance (" + blocked.orElse("no eligible node") + ")" : "instances on " + names(want))
                + (stopping.isEmpty() || want.isEmpty() ? "" : "; none on " + names(stopping) + " any more");
        return new Decision(commands, new Explanation(Optional.empty(), decision, reasons), false);
    }

    /** The instances' nodes: those that run one and still may, then the best others, up to the clone's count. */
    private static SortedSet<NodeId> choose(GroupConfig group, GroupState gs, Predicate<NodeId> allowed, List<NodeId> nodes,
            Preferences prefs, Map<NodeId, Integer> load, SchedulerInput in) {
        int count = group.placement().clones();
        long limit = count == PlacementRules.ALL ? Long.MAX_VALUE : count;
        TreeSet<NodeId> out = new TreeSet<>();
        for (NodeId n : gs.instances()) {
            if (out.size() < limit && allowed.test(n)) out.add(n);
        }
        InstancePlacement.fillUpTo(out, limit, nodes, allowed, Comparator.comparingLong((NodeId n) -> -prefs.score(n))
                .thenComparing(n -> !group.preferredNode().equals(Optional.of(n))).thenComparing(n -> load.getOrDefault(n, 0)));
        return out;
    }

    private static String started(GroupState gs) {
        TreeSet<NodeId> waiting = new TreeSet<>(gs.instances());
        waiting.removeAll(gs.startedOn());
        return waiting.isEmpty() ? "" : " (starting on " + names(waiting) + ")";
    }

    private static String names(java.util.Collection<NodeId> nodes) {
        return String.join(", ", nodes.stream().map(NodeId::name).toList());
    }
}
