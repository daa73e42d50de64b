package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.config.PlacementRules;
import haven.config.Score;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Scheduler} with random location scores and colocations: no placement breaks a mandatory one. */
class PlacementPreferencesPropertyTest {
    static final int SEEDS = 5_000;

    @Test
    void noPlacementBreaksAMandatoryLocationOrColocation() {
        int checkedTogether = 0;
        int checkedApart = 0;
        int checkedNever = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.withPreferences(RandomInputs.generate(seed), seed);
            Plan plan = Scheduler.plan(in);
            // A colocation binds to where the other group runs once the plan is committed (one still waiting runs
            // nowhere yet).
            ClusterState after = in.state().apply(plan.commands());
            for (Command c : plan.commands()) {
                if (!(c instanceof Command.Assign a) || a.node().isEmpty()) continue;
                NodeId n = a.node().get();
                GroupConfig g = in.config().group(a.group()).orElseThrow();
                for (PlacementRules.Location l : g.placement().locations()) {
                    if (Score.never(l.score()) && l.node().equals(Optional.of(n))) {
                        throw new AssertionError("seed " + seed + ": " + a + " against " + l);
                    }
                    if (Score.never(l.score())) checkedNever++;
                }
                for (PlacementRules.Colocation k : g.placement().colocations()) {
                    Optional<NodeId> other = after.group(k.with()).assigned();
                    if (Score.always(k.score())) {
                        assertThat(other).as("seed %d: %s must go with %s", seed, a, k.with()).contains(n);
                        checkedTogether++;
                    }
                    if (Score.never(k.score())) {
                        assertThat(other).as("seed %d: %s must stay apart from %s", seed, a, k.with()).isNotEqualTo(Optional.of(n));
                        checkedApart++;
                    }
                }
            }
        }
        // The generator must reach each kind of mandatory preference often, or the rule is checked on nothing.
        assertThat(checkedTogether).isGreaterThan(SEEDS / 25);
        assertThat(checkedApart).isGreaterThan(SEEDS / 25);
        assertThat(checkedNever).isGreaterThan(SEEDS / 25);
    }

    @Test
    void aGroupStartsOnlyAfterWhatItStartsAfterAndStopsBeforeIt() {
        int starts = 0;
        int stops = 0;
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.withPreferences(RandomInputs.generate(seed), seed);
            Plan plan = Scheduler.plan(in);
            // Lost nodes are declared first in the same entry: what ran there runs no more.
            ClusterState before = in.state().apply(plan.commands().stream().filter(c -> c instanceof Command.NodeLost).toList());
            for (Command c : plan.commands()) {
                if (!(c instanceof Command.Assign a)) continue;
                GroupConfig g = in.config().group(a.group()).orElseThrow();
                if (a.node().isPresent()) {
                    for (PlacementRules.After first : g.placement().after()) {
                        if (!first.mandatory()) continue;
                        starts++;
                        // The first group must have started before this plan and keep its node through it.
                        GroupState f = before.group(first.first());
                        assertThat(f.assigned().isPresent() && f.started()).as("seed %d: %s before %s started", seed, a, first.first()).isTrue();
                        assertThat(plan.commands()).as("seed %d: %s while %s moves", seed, a, first.first())
                                .noneMatch(x -> x instanceof Command.Assign y && y.group().equals(first.first()));
                    }
                } else if (before.group(a.group()).assigned().isPresent()) {
                    // Taken off its node: every group that starts after it (mandatory) has stopped already.
                    for (GroupConfig d : in.config().groups()) {
                        if (d.placement().after().stream().noneMatch(x -> x.mandatory() && x.first().equals(a.group()))) continue;
                        stops++;
                        GroupState ds = before.group(d.id());
                        assertThat(ds.assigned().isEmpty() && ds.mayBeActive().isEmpty())
                                .as("seed %d: %s while %s (after it) may run: %s", seed, a, d.id(), ds).isTrue();
                    }
                }
            }
        }
        assertThat(starts).isGreaterThan(SEEDS / 20);
        assertThat(stops).isGreaterThan(SEEDS / 50);
    }

    @Test
    void theSafetyRuleHoldsWithPreferences() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.withPreferences(RandomInputs.generate(seed), seed);
            ClusterState s = in.state();
            for (Command c : Scheduler.plan(in).commands()) {
                if (c instanceof Command.Assign a && a.node().isPresent()) {
                    assertThat(s.group(a.group()).mayBeActive()).as("seed %d: %s", seed, a).allMatch(a.node().get()::equals);
                    assertThat(s.group(a.group()).assigned()).as("seed %d: %s", seed, a).isEmpty();
                }
                s = s.with(c);
            }
        }
    }

    @Test
    void repeatedPlanningWithPreferencesSettles() {
        for (long seed = 1; seed <= SEEDS; seed++) {
            SchedulerInput in = RandomInputs.withPreferences(RandomInputs.generate(seed), seed);
            List<List<Command>> history = new ArrayList<>();
            // Each level of a chain of colocations or orders may take its own stop-then-start: two rounds each, at most.
            boolean settled = RandomInputs.settles(in, 12, true, history);
            assertThat(settled).as("seed %d did not settle: %s", seed, history).isTrue();
        }
    }
}
