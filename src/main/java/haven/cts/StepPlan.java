package haven.cts;

import haven.lab.LabLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The seeded sequence of steps. It depends on the seed, the iteration count, the catalogue and the lab's
 * shape only, never on what happens during the run, so a failing run can be replayed step for step with
 * its seed. Each step also gets a Random of its own (for its victims and orders), derived from the seed and
 * its iteration, so one step's choices do not shift those of the next.
 */
public final class StepPlan {
    /** One iteration: the step, and why it is skipped on this lab if it does not fit. */
    public record Planned(int iteration, CtsStep step, Optional<String> skipped, long stepSeed) {
        public Random random() {
            return new Random(stepSeed);
        }
    }

    private StepPlan() {}

    public static List<Planned> of(List<CtsStep> catalogue, LabLayout layout, long seed, int iterations) {
        if (catalogue.isEmpty()) {
            throw new IllegalArgumentException("the step catalogue is empty");
        }
        Random choice = new Random(seed);
        List<Planned> plan = new ArrayList<>();
        for (int i = 1; i <= iterations; i++) {
            CtsStep step = catalogue.get(choice.nextInt(catalogue.size()));
            plan.add(new Planned(i, step, step.unfit(layout), seed * 1_000_003L + i));
        }
        return plan;
    }
}
