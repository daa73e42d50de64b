package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.config.PlacementRules;
import haven.core.GroupId;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link Scheduler} with random clones (2, 3 or every node), with random preferences and orders, from random states:
 * no clone gets more instances than it asks for or one on a node that may not run it, and every cluster settles.
 */
class ClonePlacementPropertyTest {
    static final int SEEDS = 5_000;

    static SchedulerInput withClones(SchedulerInput in, long seed) {
        Random rnd = new Random(seed * 15_485_863);
        ClusterConfig c = in.config();
        List<GroupConfig> groups = new ArrayList<>();
        TreeMap<GroupId, GroupState> states = new TreeMap<>(in.state().groups());
        List<NodeId> nodes = c.nodeIds();
        for (GroupConfig g : c.groups()) {
            if (rnd.nextInt(3) > 0) {
                groups.add(g);
                continue;
            }
            int count = new int[] {1, 2, 3, PlacementRules.ALL}[rnd.nextInt(4)];
            PlacementRules p = g.placement();
            groups.add(g.withPlacement(new PlacementRules(p.locations(), p.colocations(), p.after(), p.failback(), p.needs(), count)));
            TreeSet<NodeId> instances = new TreeSet<>();
            for (NodeId n : nodes) if (rnd.nextInt(3) == 0) instances.add(n);
            TreeSet<NodeId> active = new TreeSet<>(instances);
            for (NodeId n : nodes) if (rnd.nextInt(5) == 0) active.add(n);
            TreeSet<NodeId> started = new TreeSet<>();
            for (NodeId n : instances) if (rnd.nextBoolean()) started.add(n);
            states.put(g.id(), new GroupState(Optional.empty(), 0, active, false, instances, new TreeMap<>(), Optional.empty(), started));
        }
        ClusterConfig config = new ClusterConfig(c.clusterName(), c.key(), c.port(), c.apiPort(), c.timing(), c.policy(), c.nodes(),
                c.resources(), groups);
        ClusterState s = in.state();
        ClusterState state = new ClusterState(s.version(), s.lastGeneration(), states, s.standby(), s.moves(), s.failures());
        return SchedulerInput.of(config, state, in.online(), in.lost(), in.nowEpochMs());
    }

    private static SchedulerInput input(long seed) {
        return withClones(RandomInputs.withPreferences(RandomInputs.generate(seed), seed), seed);
    }

    @Test
    void noCloneGetsMoreInstancesThanItAsksForNorOneWhereItMayNotRun() {
        int checked = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = input(seed);
            Plan plan = Scheduler.plan(in);
            for (Command c : plan.commands()) {
                if (!(c instanceof Command.SetClones k)) continue;
                GroupConfig g = in.config().group(k.group()).orElseThrow();
                assertThat(g.isClone()).as("seed %d: %s for a group that is no clone", seed, k).isTrue();
                assertThat((long) k.nodes().size()).as("seed %d: %s", seed, k).isLessThanOrEqualTo(g.placement().clones());
                for (NodeId n : k.nodes()) {
                    assertThat(in.online()).as("seed %d: %s on a node outside the cluster", seed, k).contains(n);
                    assertThat(in.state().standby()).as("seed %d: %s on a node in standby", seed, k).doesNotContain(n);
                }
                checked++;
            }
            for (Command c : plan.commands()) {
                if (c instanceof Command.Assign a) {
                    assertThat(in.config().group(a.group()).orElseThrow().isClone()).as("seed %d: %s assigns a clone", seed, a).isFalse();
                }
            }
        }
        assertThat(checked).as("plans that set a clone's instances").isGreaterThan(SEEDS / 10);
    }

    @Test
    void everyClusterWithClonesSettles() {
        int unsettled = 0;
        for (long seed = 1; seed <= 1_000; seed++) {
            if (!RandomInputs.settles(input(seed), 60, true, new ArrayList<>())) unsettled++;
        }
        assertThat(unsettled).as("seeds whose plans never settle").isZero();
    }
}
