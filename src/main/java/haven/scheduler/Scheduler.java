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
        for (Command c : AdminRules.expiredMoves(state, in.nowEpochMs())) {
            commands.add(c);
            state = state.with(c);
        }
        for (var e : state.groups().entrySet()) {
            // A group a live config change removed: take it off its node. That node stopped it before taking the
            // change, and reports it released once it sees this.
            Optional<GroupConfig> configured = in.config().group(e.getKey());
            if (configured.isEmpty() && e.getValue().assigned().isPresent()) {
                Command c = new Command.Assign(e.getKey(), Optional.empty(), "removed from the config");
                commands.add(c);
                state = state.with(c);
            }
            // Instances of a group that is no longer promotable or a clone (or no longer exists): nobody runs them any more.
            boolean hasInstances = configured.map(g -> g.isPromotable() || g.isClone()).orElse(false);
            if (!hasInstances && !e.getValue().instances().isEmpty()) {
                Command c = new Command.SetInstances(e.getKey(), new java.util.TreeSet<>());
                commands.add(c);
                state = state.with(c);
            }
        }
        Eligibility eligibility = new Eligibility(in.config(), state, in.online(), in.nowEpochMs());
        Utilization util = Utilization.of(in.config(), state);
        java.util.Map<NodeId, Integer> load = new java.util.HashMap<>();
        for (GroupConfig g : in.config().groups()) {
            state.group(g.id()).assigned().ifPresent(n -> load.merge(n, 1, Integer::sum));
            if (g.isClone()) state.group(g.id()).instances().forEach(n -> load.merge(n, 1, Integer::sum));
        }
        TreeMap<GroupId, Explanation> explanations = new TreeMap<>();
        List<GroupConfig> order = PlacementOrder.of(in.config());
        // Colocations and orders make some groups depend on what the plan decided for others.
        boolean dependencies = order != in.config().groups();
        List<NodeConfig> nodes = in.config().nodes();
        Preferences.Decided decided = new Preferences.Decided();
        Orders orders = Orders.of(in.config());
        for (GroupConfig group : order) {
            Preferences prefs = Preferences.of(group, nodes, decided);
            Optional<Explanation> handsOff = AdminRules.handsOff(group, state.group(group.id()), state.controls());
            GroupDecision d;
            if (handsOff.isPresent()) {
                d = new GroupDecision(List.of(), handsOff.get());
            } else if (group.isClone()) {
                ClonePlacement.Decision c = ClonePlacement.decide(group, state, eligibility, prefs, orders, util, load, in,
                        reasons(group, eligibility, prefs, util, state.group(group.id())));
                d = new GroupDecision(c.commands(), c.explanation(), c.held());
            } else {
                d = decide(group, state, eligibility, prefs, orders, util, load, in);
                if (group.isPromotable()) d = withInstances(d, group, state, eligibility, prefs, util, load, in);
            }
            if (dependencies) {
                GroupState gs = state.group(group.id());
                Committed after = Committed.of(gs, d.commands());
                decided.record(group.id(), after.node(), after.instances(), group.isClone());
                if (group.isClone()) {
                    // A clone is up while one of its instances that stays has reported started.
                    orders.record(group.id(), after.instances().stream().findFirst(), after.instances().stream().anyMatch(gs.startedOn()::contains),
                            d.heldForDependents());
                } else {
                    orders.record(group.id(), after.node(), !after.reassigned() && after.node().isPresent() && gs.started(), d.heldForDependents());
                }
            }
            commands.addAll(d.commands());
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

    /** {@code heldForDependents}: the group stays on its node until the groups that start after it have stopped. */
    private record GroupDecision(List<Command> commands, Explanation explanation, boolean heldForDependents) {
        GroupDecision(List<Command> commands, Explanation explanation) {
            this(commands, explanation, false);
        }
    }

    /**
     * A promotable group's instances follow the primary's decision: set before its assignment in the same entry
     * (the new primary's node runs an instance first), and explained beside it. They wait for a cold start's hold
     * like the first placement.
     */
    private static GroupDecision withInstances(GroupDecision d, GroupConfig group, ClusterState state, Eligibility eligibility,
            Preferences prefs, Utilization util, java.util.Map<NodeId, Integer> load, SchedulerInput in) {
        GroupState gs = state.group(group.id());
        boolean disabled = AdminRules.disabled(group, state.controls());
        java.util.SortedSet<NodeId> want = InstancePlacement.instances(group, gs, n -> !disabled && eligibility.canRun(group, n)
                && prefs.bannedInstance(n).isEmpty() && util.lacks(group, n, gs).isEmpty(), eligibility.nodes(), d.explanation().target(), load);
        for (NodeId n : want) util.take(group, n, gs);
        Explanation e = d.explanation();
        String where = want.isEmpty() ? "no instances" : "instances on " + String.join(", ", want.stream().map(NodeId::name).toList());
        if (!gs.scores().isEmpty()) {
            where += " (promotion scores " + String.join(", ", gs.scores().entrySet().stream().map(x -> x.getKey() + " " + x.getValue()).toList())
                    + ")";
        }
        Explanation explained = new Explanation(e.target(), e.decision() + "; " + where, e.nodeReasons());
        if (want.equals(gs.instances()) || (in.holdFirstPlacement() && gs.generation() == 0)) {
            return new GroupDecision(d.commands(), explained);
        }
        List<Command> both = new ArrayList<>();
        both.add(new Command.SetInstances(group.id(), want));
        both.addAll(d.commands());
        return new GroupDecision(both, explained);
    }

    private static GroupDecision decide(GroupConfig group, ClusterState state, Eligibility eligibility, Preferences prefs,
            Orders orders, Utilization util, java.util.Map<NodeId, Integer> load, SchedulerInput in) {
        GroupState gs = state.group(group.id());
        Optional<NodeId> current = gs.assigned();
        java.util.function.Predicate<NodeId> allowed = n -> eligibility.canRun(group, n) && prefs.allows(n)
                && util.lacks(group, n, gs).isEmpty();
        Optional<NodeId> restartTo = AdminRules.restartTarget(group, state.controls());
        Optional<NodeId> move = restartTo.filter(allowed).or(() -> Optional.ofNullable(state.moves().get(group.id())).filter(allowed));
        Optional<String> blocked = AdminRules.mustNotRun(group, gs, state.controls()).or(() -> orders.mustNotRun(group));
        Optional<NodeId> want = blocked.isPresent() ? Optional.empty() : group.isPromotable()
                ? InstancePlacement.primary(group, gs, eligibility.nodes(), allowed, prefs::score, move, load, current)
                : chooseTarget(group, eligibility.nodes(), allowed, prefs, load, util, in, current, move);
        List<String> reasons = reasons(group, eligibility, prefs, util, gs);
        java.time.ZoneId zone = in.config().policy().timeZone();
        String window = group.placement().failback().map(w -> " (failback window " + w + " "
                + (zone.equals(java.time.ZoneOffset.UTC) ? "UTC" : zone.getId()) + ")").orElse("");
        if (want.equals(current)) {
            String decision = current.map(n -> "runs on " + n + window)
                    .orElse(blocked.map(b -> AdminRules.blockedDecision(group, state.controls(), b))
                            .orElse("cannot run anywhere: no eligible node"));
            return new GroupDecision(List.of(), new Explanation(want, decision, reasons));
        }
        if (current.isPresent()) {
            NodeId from = current.get();
            if (!in.online().contains(from)) {
                return new GroupDecision(List.of(), new Explanation(want,
                        "waiting: " + from + " left the cluster; its lease must expire before " + group.id() + " starts elsewhere",
                        reasons));
            }
            String back = move.isEmpty() && allowed.test(from) ? window.replace("(failback window", "(within its failback window") : "";
            String to = want.map(n -> "move to " + n + back).orElse(blocked.map(b -> "stop (" + b + ")").orElse("stop (no eligible node)"));
            List<GroupId> dependents = orders.activeDependents(group.id(), state);
            if (!dependents.isEmpty()) {
                return new GroupDecision(List.of(), new Explanation(want, "waiting on " + from + " for " + names(dependents)
                        + " to stop first (they start after " + group.id() + "), then " + to, reasons), true);
            }
            load.merge(from, -1, Integer::sum);
            return new GroupDecision(List.of(new Command.Assign(group.id(), Optional.empty(), to)),
                    new Explanation(want, "stopping on " + from + " to " + to, reasons));
        }
        NodeId target = want.get();
        if (group.isPromotable()) {
            java.util.SortedSet<NodeId> awaited = InstancePlacement.scoresAwaited(group, in.config(), gs, eligibility);
            if (!awaited.isEmpty()) {
                return new GroupDecision(List.of(), new Explanation(want, "waiting for the promotion scores of the instances on "
                        + String.join(", ", awaited.stream().map(NodeId::name).toList())
                        + " (starting): the most current copy is promoted, so every copy that can run must be known first", reasons));
            }
        }
        if (in.holdFirstPlacement() && gs.generation() == 0) {
            return new GroupDecision(List.of(), new Explanation(want,
                    "cold start: waiting for every node to join (or the start-up grace to pass) before the first placement",
                    reasons));
        }
        Optional<String> notYet = orders.mustNotStartYet(group);
        if (notYet.isPresent()) {
            return new GroupDecision(List.of(), new Explanation(want, "waiting: " + notYet.get() + " (optional order)", reasons));
        }
        if (!in.ignoreMayBeActive() && !gs.onlyPossiblyActiveOn(target)) {
            return new GroupDecision(List.of(), new Explanation(want,
                    "waiting: " + group.id() + " may still be active on " + gs.mayBeActive() + "; it starts on " + target
                            + " once they have stopped it or are declared lost", reasons));
        }
        load.merge(target, 1, Integer::sum);
        util.take(group, target, gs);
        String why = restartTo.equals(want) ? "restarted by an administrator"
                : whyTarget(group, state, prefs, target, in.config().policy().strategy());
        Command assign = new Command.Assign(group.id(), Optional.of(target), why);
        // The restart ends in the entry that starts the group again, wherever that is.
        List<Command> commands = restartTo.isPresent() ? List.of(new Command.Restart(group.id(), Optional.empty()), assign) : List.of(assign);
        return new GroupDecision(commands, new Explanation(want, "start on " + target + " (" + why + ")", reasons));
    }

    /**
     * A plain group's node: where an administrator moved it; else, with stickiness, where it runs; else the node with
     * the highest placement score, the preferred node first among equals, then the least loaded. Without stickiness a
     * running group moves only for a higher score, or for its preferred node at an equal one.
     */
    private static Optional<NodeId> chooseTarget(GroupConfig group, List<NodeId> nodes, java.util.function.Predicate<NodeId> allowed,
            Preferences prefs, java.util.Map<NodeId, Integer> load, Utilization util, SchedulerInput in, Optional<NodeId> current,
            Optional<NodeId> move) {
        if (move.isPresent()) return move;
        boolean stays = current.isPresent() && allowed.test(current.get());
        if (stays && sticky(group, in)) return current;
        Optional<NodeId> best = best(group, nodes, allowed, prefs, load, util, in.config().policy().strategy());
        if (stays && best.isPresent()) {
            NodeId here = current.get();
            long gain = prefs.score(best.get()) - prefs.score(here);
            boolean toPreferred = gain == 0 && group.preferredNode().equals(best) && !group.preferredNode().equals(current);
            return gain > 0 || toPreferred ? best : current;
        }
        return best;
    }

    /**
     * Whether a running group stays where it runs: by the policy's stickiness, or, for a group with a failback window,
     * everywhere outside the window (inside it, it moves back to a better node once).
     */
    private static boolean sticky(GroupConfig group, SchedulerInput in) {
        var window = group.placement().failback();
        if (window.isEmpty()) return in.config().policy().stickiness();
        return !window.get().contains(in.nowEpochMs(), in.config().policy().timeZone());
    }

    /** The allowed node with the highest score; among equals the preferred node, then the strategy's choice, then the first. */
    private static Optional<NodeId> best(GroupConfig group, List<NodeId> nodes, java.util.function.Predicate<NodeId> allowed,
            Preferences prefs, java.util.Map<NodeId, Integer> load, Utilization util, haven.config.Policy.Strategy strategy) {
        Optional<NodeId> preferred = group.preferredNode();
        if (prefs.isNone() && preferred.isPresent() && allowed.test(preferred.get())) return preferred;
        NodeId best = null;
        long bestScore = 0;
        boolean bestPreferred = false;
        int bestLoad = 0;
        for (NodeId n : nodes) {
            if (!allowed.test(n)) continue;
            long score = prefs.score(n);
            boolean isPreferred = preferred.isPresent() && preferred.get().equals(n);
            int l = load.getOrDefault(n, 0);
            boolean better = best == null || score > bestScore
                    || score == bestScore && (isPreferred && !bestPreferred
                            || isPreferred == bestPreferred && Strategies.better(strategy, util, n, l, best, bestLoad));
            if (better) {
                best = n;
                bestScore = score;
                bestPreferred = isPreferred;
                bestLoad = l;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * Where a group runs once this plan is committed, for the groups colocated with it or ordered after it: its node
     * when assigned (a group still waiting for a lease or a stop runs nowhere yet, so those that must run with it wait
     * too; following its intended node instead let that intention, which weighs load, chase the dependents' own
     * placement), its instances, and whether the plan assigns it anew (it has not started there yet).
     */
    private record Committed(Optional<NodeId> node, java.util.SortedSet<NodeId> instances, boolean reassigned) {
        static Committed of(GroupState before, List<Command> commands) {
            Optional<NodeId> node = before.assigned();
            java.util.SortedSet<NodeId> instances = before.instances();
            boolean reassigned = false;
            for (Command c : commands) {
                if (c instanceof Command.Assign a) {
                    node = a.node();
                    reassigned = true;
                }
                if (c instanceof Command.SetInstances i) instances = i.nodes();
                if (c instanceof Command.SetClones k) instances = k.nodes();
            }
            return new Committed(node, instances, reassigned);
        }
    }

    /**
     * Each node's line of {@code haven why}: what rules it out, or its placement score when the group has preferences.
     * Written out only when read ({@link WhyLines}).
     */
    static List<String> reasons(GroupConfig group, Eligibility eligibility, Preferences prefs, Utilization util, GroupState gs) {
        boolean needs = util != Utilization.NONE && !group.placement().needs().isEmpty();
        if (prefs.isNone() && !needs) return eligibility.reasons(group);
        List<NodeId> nodes = eligibility.nodes();
        // Capacity is read now, while the plan's later placements have not used it yet.
        List<Optional<String>> lacks = nodes.stream().map(n -> needs ? util.lacks(group, n, gs) : Optional.<String>empty()).toList();
        return WhyLines.of(nodes.size(), i -> {
            String score = prefs.explain(nodes.get(i));
            return eligibility.line(group, nodes.get(i), prefs.forbids(nodes.get(i)).or(() -> lacks.get(i)), score.isEmpty() ? "" : "; " + score);
        });
    }

    private static String whyTarget(GroupConfig group, ClusterState state, Preferences prefs, NodeId target,
            haven.config.Policy.Strategy strategy) {
        String replica = group.isPromotable() && state.group(group.id()).instances().contains(target) ? "; its replica is promoted" : "";
        String scored = prefs.explain(target);
        if (target.equals(state.moves().get(group.id()))) return "moved there by an administrator" + replica;
        // A promotable group's primary goes to the most current copy first (InstancePlacement.best): say so when it decided.
        java.util.SortedMap<NodeId, Long> scores = state.group(group.id()).scores();
        Long mine = scores.get(target);
        if (group.isPromotable() && mine != null && scores.size() > 1
                && scores.entrySet().stream().allMatch(e -> e.getKey().equals(target) || e.getValue() < mine)) {
            return "highest promotion score (" + mine + ")" + replica;
        }
        if (group.preferredNode().equals(Optional.of(target))) return "preferred node" + (scored.isEmpty() ? "" : ", " + scored) + replica;
        if (!scored.isEmpty()) return "highest placement " + scored + replica;
        List<String> with = group.placement().colocations().stream().filter(c -> haven.config.Score.always(c.score()))
                .map(c -> c.with().name()).toList();
        if (!with.isEmpty()) return "colocated with " + String.join(", ", with) + replica;
        return switch (strategy) {
            case PREFERRED -> "least loaded eligible node";
            case BALANCED -> "the eligible node with the most capacity free, by the balanced strategy";
            case PACKED -> "the fullest eligible node it fits on, by the packed strategy";
        } + replica;
    }

    private static String names(List<GroupId> groups) {
        return String.join(", ", groups.stream().map(GroupId::name).toList());
    }

    private static boolean mentions(ClusterState state, NodeId node) {
        return state.groups().values().stream()
                .anyMatch(g -> g.mayBeActive().contains(node) || g.assigned().equals(Optional.of(node)));
    }
}
