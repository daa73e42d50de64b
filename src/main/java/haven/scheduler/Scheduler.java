package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.FailureScope;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.core.Durations;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The placement policy: a pure, deterministic function from (config, committed state, membership) to the
 * next commands. No I/O, no clock, no randomness; it explains every decision as data.
 *
 * <p>Safety rule it keeps: a group is assigned to a node only when no other node may still run it; a
 * move therefore takes two commits (take it off the old node, which stops it and reports; then place
 * it), while a lost node's groups move in one (the node is declared lost and the group placed together).
 */
public final class Scheduler {

    private Scheduler() {}

    public static Plan plan(SchedulerInput in) {
        if (in.state().maintenance().on()) return frozen(in);
        List<Command> commands = new ArrayList<>();
        ClusterState state = in.state();
        for (NodeId lost : in.lost()) {
            if (mentions(state, lost)) {
                Command c = new Command.NodeLost(lost);
                commands.add(c);
                state = state.with(c);
            }
        }
        for (var e : state.groups().entrySet()) {
            // A group a live config change removed: take it off its node. That node stopped it before taking the
            // change, and reports it released once it sees this.
            if (in.config().group(e.getKey()).isEmpty() && e.getValue().assigned().isPresent()) {
                Command c = new Command.Assign(e.getKey(), Optional.empty(), "removed from the config");
                commands.add(c);
                state = state.with(c);
            }
        }
        Eligibility eligibility = new Eligibility(in.config(), state, in.online(), in.nowEpochMs());
        TreeMap<NodeId, Integer> load = new TreeMap<>();
        for (GroupConfig g : in.config().groups()) {
            state.group(g.id()).assigned().ifPresent(n -> load.merge(n, 1, Integer::sum));
        }
        TreeMap<GroupId, Explanation> explanations = new TreeMap<>();
        for (GroupConfig group : in.config().groups()) {
            GroupDecision d = decide(group, state, eligibility, load, in);
            d.command().ifPresent(commands::add);
            explanations.put(group.id(), d.explanation());
        }
        return new Plan(commands, explanations);
    }

    /**
     * Maintenance mode: no command at all, not even a lost node's (fencing, which is not the scheduler's, still
     * happens); every group stays where the state says until maintenance ends.
     */
    private static Plan frozen(SchedulerInput in) {
        TreeMap<GroupId, Explanation> explanations = new TreeMap<>();
        String why = "maintenance mode (" + in.state().maintenance().reason() + "): placement frozen, nothing is started,"
                + " stopped or recovered";
        for (GroupConfig g : in.config().groups()) {
            Optional<NodeId> at = in.state().group(g.id()).assigned();
            explanations.put(g.id(), new Explanation(at, at.map(n -> "stays on " + n).orElse("stays unplaced") + ": " + why, List.of()));
        }
        return new Plan(List.of(), explanations);
    }

    private record GroupDecision(Optional<Command> command, Explanation explanation) {}

    private static GroupDecision decide(GroupConfig group, ClusterState state, Eligibility eligibility,
            TreeMap<NodeId, Integer> load, SchedulerInput in) {
        GroupState gs = state.group(group.id());
        Optional<NodeId> current = gs.assigned();
        Optional<NodeId> want = chooseTarget(group, state, eligibility, load, in, current);
        List<String> reasons = eligibility.reasons(group);
        if (want.equals(current)) {
            String decision = current.map(n -> "runs on " + n).orElse("cannot run anywhere: no eligible node");
            return new GroupDecision(Optional.empty(), new Explanation(want, decision, reasons));
        }
        if (current.isPresent()) {
            NodeId from = current.get();
            if (!in.online().contains(from)) {
                return new GroupDecision(Optional.empty(), new Explanation(want,
                        "waiting: " + from + " left the cluster; its lease must expire before " + group.id() + " starts elsewhere",
                        reasons));
            }
            String to = want.map(n -> "move to " + n).orElse("stop (no eligible node)");
            load.merge(from, -1, Integer::sum);
            return new GroupDecision(Optional.of(new Command.Assign(group.id(), Optional.empty(), to)),
                    new Explanation(want, "stopping on " + from + " to " + to, reasons));
        }
        NodeId target = want.get();
        if (in.holdFirstPlacement() && gs.generation() == 0) {
            return new GroupDecision(Optional.empty(), new Explanation(want,
                    "cold start: waiting for every node to join (or the start-up grace to pass) before the first placement",
                    reasons));
        }
        if (!in.ignoreMayBeActive() && !gs.onlyPossiblyActiveOn(target)) {
            return new GroupDecision(Optional.empty(), new Explanation(want,
                    "waiting: " + group.id() + " may still be active on " + gs.mayBeActive() + "; it starts on " + target
                            + " once they have stopped it or are declared lost", reasons));
        }
        load.merge(target, 1, Integer::sum);
        String why = whyTarget(group, state, target);
        return new GroupDecision(Optional.of(new Command.Assign(group.id(), Optional.of(target), why)),
                new Explanation(want, "start on " + target + " (" + why + ")", reasons));
    }

    private static Optional<NodeId> chooseTarget(GroupConfig group, ClusterState state, Eligibility eligibility,
            TreeMap<NodeId, Integer> load, SchedulerInput in, Optional<NodeId> current) {
        Optional<NodeId> move = Optional.ofNullable(state.moves().get(group.id())).filter(n -> eligibility.canRun(group, n));
        Optional<NodeId> preferred = group.preferredNode().filter(n -> eligibility.canRun(group, n));
        if (current.isPresent() && eligibility.canRun(group, current.get())) {
            if (move.isPresent()) {
                return move;
            }
            if (!in.config().policy().stickiness() && preferred.isPresent()) {
                return preferred;
            }
            return current;
        }
        if (move.isPresent()) {
            return move;
        }
        if (preferred.isPresent()) {
            return preferred;
        }
        return eligibility.nodes.stream()
                .filter(n -> eligibility.canRun(group, n))
                .min((a, b) -> Integer.compare(load.getOrDefault(a, 0), load.getOrDefault(b, 0)));
    }

    private static String whyTarget(GroupConfig group, ClusterState state, NodeId target) {
        if (target.equals(state.moves().get(group.id()))) return "moved there by an administrator";
        if (group.preferredNode().equals(Optional.of(target))) return "preferred node";
        return "least loaded eligible node";
    }

    private static boolean mentions(ClusterState state, NodeId node) {
        return state.groups().values().stream()
                .anyMatch(g -> g.mayBeActive().contains(node) || g.assigned().equals(Optional.of(node)));
    }

    /**
     * Which nodes may run which group, and the reason for each node that may not. Built once per plan:
     * failures inside the window are counted once per (resource, node), and groups without such failures
     * share one list of reasons per preferred node, so a plan stays near-linear in groups and nodes.
     */
    private static final class Eligibility {
        private final ClusterConfig config;
        private final ClusterState state;
        private final java.util.SortedSet<NodeId> online;
        private final List<NodeId> nodes;
        private final java.util.Map<ResourceId, java.util.Map<NodeId, Long>> recentFailures = new TreeMap<>();
        private final List<haven.cib.FailureRecord> hardFailures = new java.util.ArrayList<>();
        private final java.util.Map<Optional<NodeId>, List<String>> sharedReasons = new java.util.HashMap<>();
        /** The best ping reachability among online nodes that reported one, and a node that has it. */
        private final Optional<java.util.Map.Entry<NodeId, Integer>> bestConnected;

        Eligibility(ClusterConfig config, ClusterState state, java.util.SortedSet<NodeId> online, long now) {
            this.config = config;
            this.state = state;
            this.online = online;
            this.nodes = config.nodeIds().stream().sorted().toList();
            this.bestConnected = state.connectivity().entrySet().stream().filter(e -> online.contains(e.getKey()))
                    .max(java.util.Map.Entry.<NodeId, Integer>comparingByValue().thenComparing(java.util.Map.Entry.comparingByKey(
                            java.util.Comparator.reverseOrder())));
            long since = now - config.policy().failureWindow().toMillis();
            for (var f : state.failures()) {
                if (f.atEpochMs() >= since) {
                    recentFailures.computeIfAbsent(f.resource(), r -> new TreeMap<>()).merge(f.node(), 1L, Long::sum);
                    if (f.scope() == FailureScope.NODE || f.scope() == FailureScope.EVERYWHERE) hardFailures.add(f);
                }
            }
        }

        boolean canRun(GroupConfig group, NodeId node) {
            return obstacle(group, node).isEmpty();
        }

        Optional<String> obstacle(GroupConfig group, NodeId node) {
            if (config.node(node).map(NodeConfig::isWitness).orElse(false)) return Optional.of("a witness (votes, runs nothing)");
            if (!online.contains(node)) return Optional.of("not in the cluster");
            if (state.standby().contains(node)) return Optional.of("in standby");
            Integer reaches = state.connectivity().get(node);
            if (reaches != null && bestConnected.isPresent() && reaches < bestConnected.get().getValue()) {
                // Heartbeat's ipfail rule: a node that lost (part of) its uplink hands its groups to one that has it.
                return Optional.of("reaches " + reaches + " ping node(s), fewer than " + bestConnected.get().getKey() + " ("
                        + bestConnected.get().getValue() + ")");
            }
            for (ResourceId r : group.members()) {
                Optional<String> banned = bannedBy(r, node);
                if (banned.isPresent()) return banned;
                var perNode = recentFailures.get(r);
                long failures = perNode == null ? 0 : perNode.getOrDefault(node, 0L);
                if (failures >= config.policy().migrationThreshold()) {
                    return Optional.of(failures + " failures of " + r + " within " + Durations.format(config.policy().failureWindow())
                            + " (migration threshold " + config.policy().migrationThreshold() + "; `haven resource cleanup " + r
                            + "` clears them)");
                }
            }
            return Optional.empty();
        }

        /**
         * A failure whose exit code says a restart cannot cure it: on this node (not installed, no permission)
         * it bans the node, and a wrong config (invalid arguments, not configured) bans every node, until the
         * failure is cleaned up or leaves the failure window.
         */
        private Optional<String> bannedBy(ResourceId r, NodeId node) {
            for (var f : hardFailures) {
                if (!f.resource().equals(r)) continue;
                if (f.scope() == FailureScope.EVERYWHERE) {
                    return Optional.of(r + " cannot run anywhere: " + f.detail() + " on " + f.node() + " (fix the config, then `haven resource cleanup "
                            + r + "`)");
                }
                if (f.node().equals(node)) {
                    return Optional.of(r + " cannot run here: " + f.detail() + " (`haven resource cleanup " + r + "` once fixed)");
                }
            }
            return Optional.empty();
        }

        List<String> reasons(GroupConfig group) {
            boolean anyFailures = group.members().stream().anyMatch(recentFailures::containsKey);
            if (!anyFailures) {
                return sharedReasons.computeIfAbsent(group.preferredNode(), p -> build(group));
            }
            return build(group);
        }

        private List<String> build(GroupConfig group) {
            return nodes.stream()
                    .map(n -> n + ": " + obstacle(group, n).orElse("eligible")
                            + (group.preferredNode().equals(Optional.of(n)) ? " (preferred)" : ""))
                    .toList();
        }
    }
}
