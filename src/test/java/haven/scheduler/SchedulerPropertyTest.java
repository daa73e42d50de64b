package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Rules of {@link Scheduler} checked over many random inputs (fixed seeds, so a failure names the seed
 * that reproduces it).
 */
class SchedulerPropertyTest {
    static final int SEEDS = 5_000;

    @Test
    void neverAssignsAGroupToANodeWhileAnotherMayBeActive() {
        int placements = 0;
        int afterNodeLost = 0;
        int held = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.generate(seed);
            Plan plan = Scheduler.plan(in);
            held += (int) plan.explanations().values().stream().filter(e -> e.decision().contains("may still be active")).count();
            ClusterState s = in.state();
            for (Command c : plan.commands()) {
                if (c instanceof Command.Assign a && a.node().isPresent()) {
                    placements++;
                    if (!in.state().group(a.group()).mayBeActive().equals(s.group(a.group()).mayBeActive())) afterNodeLost++;
                    GroupState before = s.group(a.group());
                    NodeId target = a.node().get();
                    assertThat(before.mayBeActive()).as("seed %d: %s while %s", seed, a, before).allMatch(target::equals);
                    assertThat(before.assigned()).as("seed %d: a move must take the group off first: %s", seed, a)
                            .isEmpty();
                }
                s = s.with(c);
            }
        }
        // The generator must reach the interesting cases, or the rule above is checked on nothing.
        assertThat(placements).isGreaterThan(SEEDS);
        assertThat(afterNodeLost).isGreaterThan(SEEDS / 50);
        assertThat(held).isGreaterThan(SEEDS / 20);
    }

    @Test
    void everyCommandOfAPlanTakesEffectWhenCommittedAsOneEntry() {
        // The log applies a plan's commands as compare-and-sets: a plan made from the committed state must
        // never contain one that would be skipped, or the coordinator would plan the same thing forever.
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.generate(seed);
            Plan plan = Scheduler.plan(in);
            ClusterState after = in.state().apply(plan.commands());
            for (Command c : plan.commands()) {
                if (c instanceof Command.Assign a) {
                    assertThat(after.group(a.group()).assigned()).as("seed %d: %s", seed, a).isEqualTo(a.node());
                }
            }
        }
    }

    @Test
    void placesOnlyOnOnlineEligibleNodesAndDeclaresOnlyLostNodes() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.generate(seed);
            Plan plan = Scheduler.plan(in);
            Set<GroupId> commanded = new HashSet<>();
            boolean placementSeen = false;
            for (Command c : plan.commands()) {
                switch (c) {
                    case Command.NodeLost l -> {
                        assertThat(placementSeen).as("seed %d: node-lost after a placement", seed).isFalse();
                        assertThat(in.lost()).as("seed %d", seed).contains(l.node());
                        assertThat(in.online()).as("seed %d", seed).doesNotContain(l.node());
                    }
                    case Command.Assign a -> {
                        placementSeen = true;
                        assertThat(commanded.add(a.group())).as("seed %d: two commands for %s", seed, a.group()).isTrue();
                        if (a.node().isPresent()) assertEligible(in, seed, a.group(), a.node().get());
                    }
                    default -> fail("seed %d: the scheduler emitted %s", seed, c);
                }
            }
        }
    }

    private static void assertEligible(SchedulerInput in, long seed, GroupId group, NodeId node) {
        assertThat(in.online()).as("seed %d: %s placed on %s", seed, group, node).contains(node);
        assertThat(in.state().standby()).as("seed %d: %s placed on standby %s", seed, group, node).doesNotContain(node);
        GroupConfig g = in.config().group(group).orElseThrow();
        long since = in.nowEpochMs() - in.config().policy().failureWindow().toMillis();
        for (ResourceId r : g.members()) {
            assertThat(in.state().failureCount(r, node, since)).as("seed %d: %s placed on %s past the threshold", seed, group, node)
                    .isLessThan(in.config().policy().migrationThreshold());
        }
    }

    @Test
    void sameInputGivesTheSamePlanHoweverItsCollectionsWereBuilt() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.generate(seed);
            Plan expected = Scheduler.plan(in);
            assertThat(Scheduler.plan(in)).as("seed %d, planned twice", seed).isEqualTo(expected);
            for (long shuffle = 1; shuffle <= 3; shuffle++) {
                assertThat(Scheduler.plan(RandomInputs.reshuffled(in, seed * 31 + shuffle)))
                        .as("seed %d shuffle %d", seed, shuffle).isEqualTo(expected);
            }
        }
    }

    @Test
    void explanationsCoverEveryGroupAndNameEveryNodeWithAReason() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.generate(seed);
            Plan plan = Scheduler.plan(in);
            assertThat(plan.explanations().keySet()).as("seed %d", seed)
                    .containsExactlyElementsOf(in.config().groups().stream().map(GroupConfig::id).sorted().toList());
            List<String> names = in.config().nodeIds().stream().map(NodeId::name).sorted().toList();
            for (Explanation e : plan.explanations().values()) {
                assertThat(e.decision()).as("seed %d", seed).isNotBlank();
                assertThat(e.nodeReasons()).as("seed %d", seed).hasSize(names.size());
                for (int i = 0; i < names.size(); i++) {
                    String line = e.nodeReasons().get(i);
                    assertThat(line).as("seed %d", seed).startsWith(names.get(i) + ": ");
                    assertThat(line.substring(names.get(i).length() + 2)).as("seed %d", seed).isNotBlank();
                }
            }
            for (Command c : plan.commands()) {
                if (c instanceof Command.Assign a && a.node().isPresent()) {
                    assertThat(plan.explanations().get(a.group()).target()).as("seed %d", seed).isEqualTo(a.node());
                }
            }
        }
    }

    /**
     * Committing each plan, with every node that was told to stop reporting it released, reaches a state
     * the scheduler leaves alone within a few rounds: no flapping between nodes.
     */
    @Test
    void repeatedPlanningSettlesWithinFourRounds() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.generate(seed);
            List<List<Command>> history = new ArrayList<>();
            boolean settled = RandomInputs.settles(in, 4, false, history);
            assertThat(settled).as("seed %d did not settle: %s", seed, history).isTrue();
        }
    }
}
