package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.FailureRecord;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.Policy;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Random scheduler inputs from a seed. States are drawn freely, not only those the log can reach (a
 * group may be listed as possibly active on several nodes), because the safety rule must hold for any
 * state the scheduler is handed.
 */
final class RandomInputs {
    static final long NOW = 1_700_000_000_000L;

    private RandomInputs() {}

    static SchedulerInput generate(long seed) {
        Random rnd = new Random(seed);
        int nodeCount = 1 + rnd.nextInt(6);
        List<String> names = Clusters.nodeNames(nodeCount);
        List<NodeId> nodes = names.stream().map(NodeId::of).toList();
        List<GroupConfig> groups = new ArrayList<>();
        int groupCount = 1 + rnd.nextInt(8);
        for (int i = 0; i < groupCount; i++) {
            List<ResourceId> members = new ArrayList<>();
            int m = 1 + rnd.nextInt(3);
            for (int j = 0; j < m; j++) members.add(ResourceId.of("g" + i + "r" + j));
            Optional<NodeId> preferred = rnd.nextBoolean() ? Optional.of(pick(rnd, nodes)) : Optional.empty();
            groups.add(new GroupConfig(GroupId.of("g" + i), members, preferred));
        }
        Policy policy = new Policy(rnd.nextBoolean(), 1 + rnd.nextInt(4), Duration.ofMinutes(1 + rnd.nextInt(20)));
        ClusterConfig config = Clusters.config(names, groups, policy);

        long lastGeneration = 0;
        TreeMap<GroupId, GroupState> states = new TreeMap<>();
        for (GroupConfig g : groups) {
            int kind = rnd.nextInt(4);
            if (kind == 0) continue;
            long generation = ++lastGeneration;
            TreeSet<NodeId> mayBeActive = new TreeSet<>();
            Optional<NodeId> assigned = Optional.empty();
            if (kind == 1 || kind == 2) {
                assigned = Optional.of(pick(rnd, nodes));
                mayBeActive.add(assigned.get());
            }
            int extra = rnd.nextInt(10) == 0 ? 2 : rnd.nextInt(2);
            for (int k = 0; k < extra; k++) mayBeActive.add(pick(rnd, nodes));
            states.put(g.id(), new GroupState(assigned, generation, mayBeActive, assigned.isPresent() && rnd.nextBoolean()));
        }
        TreeSet<NodeId> standby = subset(rnd, nodes, 0.2);
        TreeMap<GroupId, NodeId> moves = new TreeMap<>();
        for (GroupConfig g : groups) {
            if (rnd.nextInt(4) == 0) moves.put(g.id(), pick(rnd, nodes));
        }
        List<FailureRecord> failures = new ArrayList<>();
        long windowMs = policy.failureWindow().toMillis();
        int failureCount = rnd.nextInt(12);
        for (int i = 0; i < failureCount; i++) {
            GroupConfig g = groups.get(rnd.nextInt(groups.size()));
            ResourceId r = g.members().get(rnd.nextInt(g.members().size()));
            int repeat = 1 + rnd.nextInt(4);
            NodeId at = pick(rnd, nodes);
            for (int k = 0; k < repeat; k++) {
                failures.add(new FailureRecord(r, at, NOW - (long) (rnd.nextDouble() * 2 * windowMs), "random"));
            }
        }
        ClusterState state = new ClusterState(rnd.nextInt(1000), lastGeneration, states, standby, moves, failures);

        TreeSet<NodeId> online = subset(rnd, nodes, 0.75);
        TreeSet<NodeId> lost = new TreeSet<>();
        for (NodeId n : nodes) {
            if (!online.contains(n) && rnd.nextBoolean()) lost.add(n);
        }
        return SchedulerInput.of(config, state, online, lost, NOW);
    }

    /**
     * The same input, rebuilt with every collection filled in a different order: node list of the config,
     * the state's maps and failure list, and the online and lost sets. Group order in the config is kept:
     * it is part of the configuration (earlier groups choose their node first).
     */
    static SchedulerInput reshuffled(SchedulerInput in, long seed) {
        Random rnd = new Random(seed);
        ClusterConfig c = in.config();
        List<haven.config.NodeConfig> ns = new ArrayList<>(c.nodes());
        Collections.shuffle(ns, rnd);
        ClusterConfig config = new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), ns,
                c.resources(), c.groups());
        ClusterState s = in.state();
        List<Map.Entry<GroupId, GroupState>> entries = new ArrayList<>(s.groups().entrySet());
        Collections.shuffle(entries, rnd);
        Map<GroupId, GroupState> groups = new HashMap<>();
        for (var e : entries) groups.put(e.getKey(), e.getValue());
        List<FailureRecord> failures = new ArrayList<>(s.failures());
        Collections.shuffle(failures, rnd);
        ClusterState state = new ClusterState(s.version(), s.lastGeneration(), new TreeMap<>(groups), new TreeSet<>(s.standby()),
                new TreeMap<>(s.moves()), failures);
        List<NodeId> online = new ArrayList<>(in.online());
        Collections.shuffle(online, rnd);
        List<NodeId> lost = new ArrayList<>(in.lost());
        Collections.shuffle(lost, rnd);
        return SchedulerInput.of(config, state, new LinkedHashSet<>(online), new LinkedHashSet<>(lost), in.nowEpochMs());
    }

    /**
     * The same input with random placement preferences: location scores on nodes (from -inf to inf), colocations
     * (mandatory or scored, together or apart) and orders (mostly mandatory), each with a group listed earlier or
     * later (never a loop: only towards lower group numbers).
     */
    static SchedulerInput withPreferences(SchedulerInput in, long seed) {
        Random rnd = new Random(seed * 7919);
        long[] scores = {-haven.config.Score.INFINITY, -100, -10, 10, 100, haven.config.Score.INFINITY};
        List<NodeId> nodes = in.config().nodeIds();
        List<GroupConfig> groups = new ArrayList<>();
        for (GroupConfig g : in.config().groups()) {
            List<haven.config.PlacementRules.Location> locations = new ArrayList<>();
            int l = rnd.nextInt(3);
            for (int i = 0; i < l; i++) {
                locations.add(new haven.config.PlacementRules.Location(Optional.of(pick(rnd, nodes)), Optional.empty(),
                        scores[rnd.nextInt(scores.length)]));
            }
            List<haven.config.PlacementRules.Colocation> colocations = new ArrayList<>();
            int index = Integer.parseInt(g.id().name().substring(1));
            int c = index == 0 ? 0 : rnd.nextInt(3);
            for (int i = 0; i < c; i++) {
                colocations.add(new haven.config.PlacementRules.Colocation(GroupId.of("g" + rnd.nextInt(index)),
                        scores[rnd.nextInt(scores.length)], false));
            }
            List<haven.config.PlacementRules.After> after = new ArrayList<>();
            int a = index == 0 ? 0 : rnd.nextInt(3);
            for (int i = 0; i < a; i++) {
                after.add(new haven.config.PlacementRules.After(GroupId.of("g" + rnd.nextInt(index)), rnd.nextInt(3) > 0));
            }
            groups.add(g.withPlacement(new haven.config.PlacementRules(locations, colocations, after)));
        }
        // Reversed, so that a group is often listed before those it is colocated with.
        java.util.Collections.reverse(groups);
        ClusterConfig c = in.config();
        ClusterConfig config = new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(),
                c.resources(), groups);
        return SchedulerInput.of(config, in.state(), in.online(), in.lost(), in.nowEpochMs());
    }

    /**
     * Plans, commits and lets the nodes report, round after round, at most {@code rounds} times: true once a round
     * has nothing to do. Released is reported by every online node that is no longer assigned a group it may still
     * run; with {@code reportStarted}, Started by every online node assigned one (orders wait for it). Each round's
     * commands are added to {@code history}.
     */
    static boolean settles(SchedulerInput in, int rounds, boolean reportStarted, List<List<haven.cib.Command>> history) {
        ClusterState s = in.state();
        for (int round = 0; round < rounds; round++) {
            Plan p = Scheduler.plan(new SchedulerInput(in.config(), s, in.online(), in.lost(), in.nowEpochMs()));
            history.add(p.commands());
            s = s.apply(p.commands());
            List<haven.cib.Command> reports = new ArrayList<>();
            for (var e : s.groups().entrySet()) {
                GroupState g = e.getValue();
                if (in.config().group(e.getKey()).map(GroupConfig::isClone).orElse(false)) {
                    for (NodeId n : g.instances()) {
                        if (in.online().contains(n) && !g.startedOn().contains(n)) reports.add(new haven.cib.Command.InstanceStarted(e.getKey(), n));
                    }
                    for (NodeId n : g.mayBeActive()) {
                        if (in.online().contains(n) && !g.instances().contains(n)) reports.add(new haven.cib.Command.InstanceReleased(e.getKey(), n));
                    }
                    continue;
                }
                for (NodeId n : g.mayBeActive()) {
                    if (in.online().contains(n) && !g.assigned().equals(Optional.of(n))) {
                        reports.add(new haven.cib.Command.Released(e.getKey(), n, g.generation()));
                    }
                }
                if (reportStarted && g.assigned().isPresent() && !g.started() && in.online().contains(g.assigned().get())) {
                    reports.add(new haven.cib.Command.Started(e.getKey(), g.assigned().get(), g.generation()));
                }
            }
            if (!reports.isEmpty()) s = s.apply(reports);
            if (p.commands().isEmpty() && reports.isEmpty()) return true;
        }
        return false;
    }

    private static NodeId pick(Random rnd, List<NodeId> nodes) {
        return nodes.get(rnd.nextInt(nodes.size()));
    }

    /** Each node independently with the given probability. */
    private static TreeSet<NodeId> subset(Random rnd, List<NodeId> nodes, double probability) {
        TreeSet<NodeId> s = new TreeSet<>();
        for (NodeId n : nodes) {
            if (rnd.nextDouble() < probability) s.add(n);
        }
        return s;
    }
}
