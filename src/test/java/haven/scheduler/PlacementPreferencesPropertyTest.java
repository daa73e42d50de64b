package haven.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
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
        assertThat(checkedTogether).isGreaterThan(SEEDS / 20);
        assertThat(checkedApart).isGreaterThan(SEEDS / 20);
        assertThat(checkedNever).isGreaterThan(SEEDS / 20);
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
            ClusterState s = in.state();
            List<List<Command>> history = new ArrayList<>();
            boolean settled = false;
            // Each level of a chain of colocations may take its own stop-then-start: two rounds each, at most.
            for (int round = 0; round < 12 && !settled; round++) {
                Plan p = Scheduler.plan(new SchedulerInput(in.config(), s, in.online(), in.lost(), in.nowEpochMs()));
                history.add(p.commands());
                s = s.apply(p.commands());
                List<Command> reports = new ArrayList<>();
                for (var e : s.groups().entrySet()) {
                    for (NodeId n : e.getValue().mayBeActive()) {
                        if (in.online().contains(n) && !e.getValue().assigned().equals(Optional.of(n))) {
                            reports.add(new Command.Released(e.getKey(), n, e.getValue().generation()));
                        }
                    }
                }
                if (!reports.isEmpty()) s = s.apply(reports);
                settled = p.commands().isEmpty() && reports.isEmpty();
            }
            assertThat(settled).as("seed %d did not settle: %s", seed, history).isTrue();
        }
    }
}
