package haven.cts;

import static org.assertj.core.api.Assertions.assertThat;

import haven.lab.LabLayout;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The seeded step choice, without a lab: no root needed. */
class StepPlanTest {
    private static final LabLayout THREE = new LabLayout("tcts", 3);
    private static final LabLayout FIVE = new LabLayout("tcts", 5);

    private static List<String> names(List<StepPlan.Planned> plan) {
        return plan.stream().map(p -> p.step().name() + (p.skipped().isPresent() ? " (skip)" : "")).toList();
    }

    @Test
    void theSameSeedGivesTheSameSequenceAndTheSameStepRandoms() {
        List<StepPlan.Planned> a = StepPlan.of(Catalogue.all(), THREE, 42, 50);
        List<StepPlan.Planned> b = StepPlan.of(Catalogue.all(), THREE, 42, 50);
        assertThat(names(a)).isEqualTo(names(b)).hasSize(50);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).random().nextLong()).isEqualTo(b.get(i).random().nextLong());
        }
    }

    @Test
    void anotherSeedGivesAnotherSequence() {
        assertThat(names(StepPlan.of(Catalogue.all(), THREE, 42, 30)))
                .isNotEqualTo(names(StepPlan.of(Catalogue.all(), THREE, 43, 30)));
    }

    @Test
    void stepsThatDoNotFitTheLabAreSkippedWithAReasonAndTheOthersAreNot() {
        List<StepPlan.Planned> plan = StepPlan.of(Catalogue.all(), THREE, 7, 300);
        Set<String> skipped = plan.stream().filter(p -> p.skipped().isPresent()).map(p -> p.step().name()).collect(Collectors.toSet());
        assertThat(skipped).containsExactly("NearQuorumPoint");
        assertThat(plan.stream().filter(p -> p.skipped().isPresent()).findFirst().orElseThrow().skipped().get())
                .contains("at least 4 members");
        assertThat(StepPlan.of(Catalogue.all(), FIVE, 7, 300)).noneMatch(p -> p.skipped().isPresent());
        // Every kind comes up in a long enough plan: the choice covers the whole catalogue.
        assertThat(plan.stream().map(p -> p.step().name()).distinct().count()).isEqualTo(Catalogue.all().size());
    }

    @Test
    void aSingleNodeLabSkipsEveryStepThatNeedsASurvivor() {
        LabLayout one = new LabLayout("tcts", 1);
        List<StepPlan.Planned> plan = StepPlan.of(Catalogue.all(), one, 1, 200);
        Set<String> run = plan.stream().filter(p -> p.skipped().isEmpty()).map(p -> p.step().name()).collect(Collectors.toSet());
        assertThat(run).containsExactlyInAnyOrder("ResourceRecover", "SimulStop", "SimulStart", "StopOnebyOne", "StartOnebyOne");
    }

    @Test
    void theSkipDoesNotShiftTheSequence() {
        // The lab's shape decides only what is skipped, not what is chosen: a seed replays on any lab.
        List<String> onThree = StepPlan.of(Catalogue.all(), THREE, 99, 40).stream().map(p -> p.step().name()).toList();
        List<String> onFive = StepPlan.of(Catalogue.all(), FIVE, 99, 40).stream().map(p -> p.step().name()).toList();
        assertThat(onThree).isEqualTo(onFive);
    }
}
