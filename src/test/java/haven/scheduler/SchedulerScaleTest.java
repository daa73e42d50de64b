package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.Policy;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * How plan time grows at the architecture's target size (10,000 resources on 64 nodes, goal under
 * 100 ms). Prints median milliseconds; asserts only that the plans are right, never a time, so that a
 * slow CI machine cannot fail it. Run it alone with {@code -Dtest=SchedulerScaleTest}.
 */
@Tag("bench")
class SchedulerScaleTest {
    /** 10,000 by default (the architecture's target); {@code -Dhaven.bench.groups=N} to see how plan time grows. */
    static final int GROUPS = Integer.getInteger("haven.bench.groups", 10_000);
    static final int NODES = 64;
    /** Five by default, to stay quick in CI; {@code -Dhaven.bench.runs=N} for a steadier figure. */
    static final int RUNS = Integer.getInteger("haven.bench.runs", 5);
    static final int WARMUPS = 3;
    static final long NOW = 1_700_000_000_000L;

    static ClusterConfig config() {
        return config(false);
    }

    /**
     * {@code preferences}: every group past the first 100 also has a location score and one colocation with an
     * earlier group (mandatory for one in four, scored for the rest, a third of those apart), drawn from a fixed seed.
     */
    static ClusterConfig config(boolean preferences) {
        java.util.Random rnd = new java.util.Random(42);
        List<NodeId> nodes = Clusters.nodeNames(NODES).stream().map(NodeId::of).toList();
        List<GroupConfig> groups = new ArrayList<>();
        for (int i = 0; i < GROUPS; i++) {
            GroupConfig g = new GroupConfig(GroupId.of("g" + i), List.of(ResourceId.of("r" + i)), Optional.empty());
            if (preferences && i >= 100) {
                long score = rnd.nextInt(4) == 0 ? haven.config.Score.INFINITY : (rnd.nextInt(3) == 0 ? -50 : 50);
                g = g.withPlacement(new haven.config.PlacementRules(
                        List.of(new haven.config.PlacementRules.Location(Optional.of(nodes.get(rnd.nextInt(NODES))), Optional.empty(), 20)),
                        List.of(new haven.config.PlacementRules.Colocation(GroupId.of("g" + rnd.nextInt(i)), score, false))));
            }
            groups.add(g);
        }
        return Clusters.config(Clusters.nodeNames(NODES), groups, Policy.DEFAULT);
    }

    /** Every group placed round-robin, as a cold start over all nodes leaves them. */
    static ClusterState placed(ClusterConfig c) {
        TreeMap<GroupId, GroupState> groups = new TreeMap<>();
        List<NodeId> nodes = c.nodeIds();
        for (int i = 0; i < GROUPS; i++) {
            NodeId n = nodes.get(i % NODES);
            groups.put(GroupId.of("g" + i), new GroupState(Optional.of(n), i + 1, new TreeSet<>(Set.of(n)), true));
        }
        return new ClusterState(GROUPS, GROUPS, groups, new TreeSet<>(), new TreeMap<>(), List.of());
    }

    static double medianMs(Supplier<Plan> run, List<Plan> keep) {
        for (int i = 0; i < WARMUPS; i++) keep.add(run.get()); // let the JIT compile the hot paths first
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            Plan p = run.get();
            ms[i] = (System.nanoTime() - t0) / 1e6;
            keep.add(p);
        }
        Arrays.sort(ms);
        return ms[RUNS / 2];
    }

    @Test
    void planTimeAtTenThousandGroupsOnSixtyFourNodes() {
        ClusterConfig c = config();
        Set<NodeId> all = new TreeSet<>(c.nodeIds());
        Set<NodeId> survivors = new TreeSet<>(all);
        survivors.remove(NodeId.of("n1"));
        ClusterState placed = placed(c);

        List<Plan> cold = new ArrayList<>();
        double coldMs = medianMs(() -> Scheduler.plan(SchedulerInput.of(c, ClusterState.EMPTY, all, Set.of(), NOW)), cold);
        List<Plan> steady = new ArrayList<>();
        double steadyMs = medianMs(() -> Scheduler.plan(SchedulerInput.of(c, placed, all, Set.of(), NOW)), steady);
        List<Plan> lost = new ArrayList<>();
        double lostMs = medianMs(() -> Scheduler.plan(SchedulerInput.of(c, placed, survivors, Set.of(NodeId.of("n1")), NOW)), lost);

        System.out.printf("scheduler scale, %d single-resource groups on %d nodes, median of %d: cold start %.1f ms,"
                + " steady state %.1f ms, one node lost %.1f ms%n", GROUPS, NODES, RUNS, coldMs, steadyMs, lostMs);

        // The timed plans must be the real work, not a shortcut.
        assertThat(cold.get(0).commands()).hasSize(GROUPS);
        assertThat(steady.get(0).commands()).isEmpty();
        long share = (GROUPS + NODES - 1) / NODES;
        assertThat(lost.get(0).commands()).hasSize((int) share + 1).first().isEqualTo(new Command.NodeLost(NodeId.of("n1")));
    }

    @Test
    void planTimeWithALocationAndAColocationPerGroup() {
        ClusterConfig c = config(true);
        Set<NodeId> all = new TreeSet<>(c.nodeIds());
        Set<NodeId> survivors = new TreeSet<>(all);
        survivors.remove(NodeId.of("n1"));
        List<Plan> cold = new ArrayList<>();
        double coldMs = medianMs(() -> Scheduler.plan(SchedulerInput.of(c, ClusterState.EMPTY, all, Set.of(), NOW)), cold);
        ClusterState placed = ClusterState.EMPTY.apply(cold.get(0).commands());
        List<Plan> steady = new ArrayList<>();
        double steadyMs = medianMs(() -> Scheduler.plan(SchedulerInput.of(c, placed, all, Set.of(), NOW)), steady);
        List<Plan> lost = new ArrayList<>();
        double lostMs = medianMs(() -> Scheduler.plan(SchedulerInput.of(c, placed, survivors, Set.of(NodeId.of("n1")), NOW)), lost);
        System.out.printf("scheduler scale, %d groups on %d nodes, each past the first 100 with a location score and a colocation,"
                + " median of %d: cold start %.1f ms, steady state %.1f ms, one node lost %.1f ms%n", GROUPS, NODES, RUNS, coldMs,
                steadyMs, lostMs);
        assertThat(cold.get(0).commands()).hasSize(GROUPS);
        assertThat(steady.get(0).commands()).isEmpty();
        assertThat(lost.get(0).commands()).first().isEqualTo(new Command.NodeLost(NodeId.of("n1")));
    }
}
