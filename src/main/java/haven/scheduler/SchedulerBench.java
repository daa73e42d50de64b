package haven.scheduler;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.config.PlacementRules;
import haven.config.Policy;
import haven.config.ResourceConfig;
import haven.config.Score;
import haven.config.Timing;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * How long the scheduler takes at a given size, measured in-process on generated clusters (`haven bench scheduler`):
 * cold placement from an empty state, an unchanged cluster re-planned, and the plan after one node is lost. Medians
 * after warm-up runs, since the machines are shared and noisy; nothing is asserted here.
 */
public final class SchedulerBench {
    private static final long NOW = 1_700_000_000_000L;
    /** Where timed results go, so the JIT cannot drop the work that made them. */
    private static volatile Object sink;

    /**
     * {@code constraints}: with them, every group past the first 1% has on average one order (after an earlier group,
     * three in four mandatory) and one colocation (with an earlier group: a quarter mandatory, the rest scored, a third
     * of those apart) and one in four a location score, and 100 of the first 1% are clones of 3 instances (which the
     * later groups' orders and colocations may name); drawn from a fixed seed.
     */
    public record Workload(int groups, int nodes, boolean constraints) {}

    public record Result(Workload workload, int constraintCount, int clones, double coldMs, double steadyMs, double replanMs) {
        public String json() {
            return String.format(java.util.Locale.ROOT, "{\"groups\":%d,\"nodes\":%d,\"constraints\":%d,\"clones\":%d,\"cold_ms\":%.1f,"
                    + "\"steady_ms\":%.1f,\"replan_ms\":%.1f}", workload.groups(), workload.nodes(), constraintCount, clones, coldMs, steadyMs,
                    replanMs);
        }

        public String text() {
            return String.format(java.util.Locale.ROOT, "%,7d groups x %d nodes, %,7d constraints, %d clones: cold %7.1f ms, unchanged"
                    + " %6.1f ms, after a node loss %6.1f ms", workload.groups(), workload.nodes(), constraintCount, clones, coldMs, steadyMs,
                    replanMs);
        }
    }

    private SchedulerBench() {}

    public static Result run(Workload w, int runs, int warmups) {
        ClusterConfig config = config(w);
        int constraints = config.groups().stream().mapToInt(g -> g.placement().colocations().size() + g.placement().after().size()
                + g.placement().locations().size()).sum();
        int clones = (int) config.groups().stream().filter(GroupConfig::isClone).count();
        Set<NodeId> all = new TreeSet<>(config.nodeIds());
        Plan cold = Scheduler.plan(SchedulerInput.of(config, ClusterState.EMPTY, all, Set.of(), NOW));
        double coldMs = median(() -> Scheduler.plan(SchedulerInput.of(config, ClusterState.EMPTY, all, Set.of(), NOW)), runs, warmups);
        ClusterState placed = settle(config, all, cold);
        double steadyMs = median(() -> Scheduler.plan(SchedulerInput.of(config, placed, all, Set.of(), NOW)), runs, warmups);
        Set<NodeId> survivors = new TreeSet<>(all);
        NodeId lost = config.nodeIds().get(0);
        survivors.remove(lost);
        double replanMs = median(() -> Scheduler.plan(SchedulerInput.of(config, placed, survivors, Set.of(lost), NOW)), runs, warmups);
        return new Result(w, constraints, clones, coldMs, steadyMs, replanMs);
    }

    /**
     * The state once every placement is committed and every node reported its groups started (orders wait for it),
     * built directly: applying a plan through {@link ClusterState#apply} copies the group map once per command, which
     * at 50,000 groups would take the bench minutes (the cost every node pays for a large entry; see {@link #applyMs}).
     */
    private static ClusterState settle(ClusterConfig config, Set<NodeId> online, Plan first) {
        java.util.TreeMap<GroupId, haven.cib.GroupState> groups = new java.util.TreeMap<>();
        long generation = 0;
        Plan p = first;
        for (int round = 0; round < 50 && !p.commands().isEmpty(); round++) {
            for (Command c : p.commands()) {
                if (c instanceof Command.Assign a && a.node().isPresent()) {
                    groups.put(a.group(), new haven.cib.GroupState(a.node(), ++generation, new TreeSet<>(Set.of(a.node().get())), true));
                } else if (c instanceof Command.Assign a) {
                    groups.put(a.group(), new haven.cib.GroupState(Optional.empty(), generation, new TreeSet<>(), false));
                } else if (c instanceof Command.SetClones k) {
                    groups.put(k.group(), new haven.cib.GroupState(Optional.empty(), 0, k.nodes(), false, k.nodes(), new java.util.TreeMap<>(),
                            Optional.empty(), k.nodes()));
                }
            }
            ClusterState s = new ClusterState(1, generation, groups, new TreeSet<>(), new java.util.TreeMap<>(), List.of());
            p = Scheduler.plan(SchedulerInput.of(config, s, online, Set.of(), NOW));
        }
        return new ClusterState(1, generation, groups, new TreeSet<>(), new java.util.TreeMap<>(), List.of());
    }

    /** How long the log takes to apply a cold start's placements as one entry, as every node does: one run. */
    public static double applyMs(Workload w) {
        ClusterConfig config = config(w);
        Plan cold = Scheduler.plan(SchedulerInput.of(config, ClusterState.EMPTY, new TreeSet<>(config.nodeIds()), Set.of(), NOW));
        long t0 = System.nanoTime();
        sink = ClusterState.EMPTY.apply(cold.commands());
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(java.util.function.Supplier<Plan> plan, int runs, int warmups) {
        for (int i = 0; i < warmups; i++) sink = plan.get(); // let the JIT compile the hot paths first
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            sink = plan.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(ms);
        return ms[runs / 2];
    }

    static ClusterConfig config(Workload w) {
        Random rnd = new Random(42);
        List<NodeConfig> nodes = new ArrayList<>();
        for (int i = 1; i <= w.nodes(); i++) {
            nodes.add(new NodeConfig(NodeId.of("n" + i), "10.0." + ((i - 1) / 250) + "." + ((i - 1) % 250 + 1)));
        }
        List<GroupConfig> groups = new ArrayList<>();
        List<ResourceConfig> resources = new ArrayList<>();
        Duration d = Duration.ofSeconds(20);
        int free = Math.max(1, w.groups() / 100);
        for (int i = 0; i < w.groups(); i++) {
            ResourceId r = ResourceId.of("r" + i);
            resources.add(new ResourceConfig(r, "process", Map.of("command", "/bin/true"), d, d, Duration.ofSeconds(2), d));
            GroupConfig g = new GroupConfig(GroupId.of("g" + i), List.of(r), Optional.empty());
            if (w.constraints() && i >= free) g = g.withPlacement(rules(rnd, i, nodes));
            if (w.constraints() && i < Math.min(100, free)) g = g.withPlacement(new PlacementRules(List.of(), List.of(), List.of(),
                    Optional.empty(), new java.util.TreeMap<>(), 3));
            groups.add(g);
        }
        return new ClusterConfig("bench", "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 7800, 7480,
                Timing.DEFAULT, Policy.DEFAULT, nodes, resources, groups);
    }

    private static PlacementRules rules(Random rnd, int index, List<NodeConfig> nodes) {
        List<PlacementRules.Location> locations = rnd.nextInt(4) == 0
                ? List.of(new PlacementRules.Location(Optional.of(nodes.get(rnd.nextInt(nodes.size())).id()), Optional.empty(), 20))
                : List.of();
        long score = rnd.nextInt(4) == 0 ? Score.INFINITY : rnd.nextInt(3) == 0 ? -50 : 50;
        List<PlacementRules.Colocation> colocations = List.of(new PlacementRules.Colocation(GroupId.of("g" + rnd.nextInt(index)),
                score, false));
        List<PlacementRules.After> after = List.of(new PlacementRules.After(GroupId.of("g" + rnd.nextInt(index)), rnd.nextInt(4) > 0));
        return new PlacementRules(locations, colocations, after);
    }
}
