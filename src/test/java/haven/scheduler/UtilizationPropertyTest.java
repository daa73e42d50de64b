package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.NodeConfig;
import haven.config.PlacementRules;
import haven.config.Policy;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Scheduler} with random capacities, needs and strategies, from random states (some already over a capacity):
 * no group is ever placed on a node it does not fit on, counting every group that occupies the node once the plan is
 * committed (assigned there, an instance there, or still possibly active there).
 */
class UtilizationPropertyTest {
    static final int SEEDS = 5_000;

    static SchedulerInput withCapacities(SchedulerInput in, long seed) {
        Random rnd = new Random(seed * 104_729);
        ClusterConfig c = in.config();
        List<NodeConfig> nodes = new ArrayList<>();
        for (NodeConfig n : c.nodes()) {
            SortedMap<String, Long> cap = new TreeMap<>();
            if (rnd.nextInt(6) > 0) cap.put("cpu", (long) rnd.nextInt(9));
            if (rnd.nextBoolean()) cap.put("memory_mb", 1024L * rnd.nextInt(9));
            nodes.add(new NodeConfig(n.id(), n.address(), n.role(), n.replicationAddress(), n.attributes(), cap));
        }
        List<GroupConfig> groups = new ArrayList<>();
        for (GroupConfig g : c.groups()) {
            SortedMap<String, Long> needs = new TreeMap<>();
            if (rnd.nextInt(4) > 0) needs.put("cpu", (long) rnd.nextInt(5));
            if (rnd.nextInt(3) == 0) needs.put("memory_mb", 512L * rnd.nextInt(9));
            PlacementRules p = g.placement();
            groups.add(g.withPlacement(new PlacementRules(p.locations(), p.colocations(), p.after(), p.failback(), needs)));
        }
        Policy.Strategy strategy = Policy.Strategy.values()[rnd.nextInt(Policy.Strategy.values().length)];
        ClusterConfig config = new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(),
                c.policy().withStrategy(strategy), nodes, c.resources(), groups);
        return SchedulerInput.of(config, in.state(), in.online(), in.lost(), in.nowEpochMs());
    }

    @Test
    void noGroupIsPlacedWhereItDoesNotFit() {
        int placedWithNeeds = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = withCapacities(RandomInputs.generate(seed), seed);
            Plan plan = Scheduler.plan(in);
            ClusterState after = in.state().apply(plan.commands());
            for (Command c : plan.commands()) {
                if (!(c instanceof Command.Assign a) || a.node().isEmpty()) continue;
                GroupConfig g = in.config().group(a.group()).orElseThrow();
                NodeId n = a.node().get();
                if (Utilization.occupied(in.state().group(g.id())).contains(n) || g.placement().needs().isEmpty()) continue;
                placedWithNeeds++;
                Map<String, Long> cap = in.config().node(n).orElseThrow().capacity();
                for (var need : g.placement().needs().entrySet()) {
                    long used = 0;
                    for (GroupConfig other : in.config().groups()) {
                        GroupState s = after.group(other.id());
                        if (Utilization.occupied(s).contains(n)) used += other.placement().needs().getOrDefault(need.getKey(), 0L);
                    }
                    assertThat(used).as("seed %d: %s puts %s over its %s capacity %s", seed, a, n, need.getKey(), cap)
                            .isLessThanOrEqualTo(cap.getOrDefault(need.getKey(), 0L));
                }
            }
        }
        assertThat(placedWithNeeds).as("the generator must place groups that need something").isGreaterThan(SEEDS / 5);
    }

    @Test
    void aClusterWithCapacitiesSettlesFromAnyState() {
        int unsettled = 0;
        for (long seed = 1; seed <= 1_000; seed++) {
            SchedulerInput in = withCapacities(RandomInputs.generate(seed), seed);
            if (!RandomInputs.settles(in, 40, true, new ArrayList<>())) unsettled++;
        }
        assertThat(unsettled).as("seeds whose plans never settle").isZero();
    }
}
