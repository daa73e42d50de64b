package haven.cts;

import haven.lab.LabLayout;
import java.util.Optional;

/**
 * One kind of test step. {@link #run} injects its fault or action, waits for the outcome it expects (throwing
 * {@link StepFailed} when that does not come) and undoes what it did where that is part of the test (a heal,
 * an online); the runner heals whatever is left, lets the cluster settle and audits.
 */
public interface CtsStep {
    String name();

    /** What it does and what it expects, one line for the report. */
    String expectation();

    /** Empty when the step can run on this lab; otherwise why not (the step is then reported as skipped). */
    default Optional<String> unfit(LabLayout layout) {
        return Optional.empty();
    }

    Outcome run(StepContext ctx);

    /**
     * The budget of a step and, for steps whose number is not the client's longest outage during the step
     * (a planned whole-cluster stop), their own measurement.
     *
     * @param measure what {@code measuredMs} is, for the report
     * @param measuredMs negative: the runner measures the longest outage the client saw during the step
     */
    record Outcome(long budgetMs, String measure, long measuredMs) {
        public static final String OUTAGE = "longest outage seen by the client";

        /** The client's longest outage during the step must stay within {@code budgetMs}. */
        public static Outcome outage(long budgetMs) {
            return new Outcome(budgetMs, OUTAGE, -1);
        }

        public static Outcome measured(String measure, long measuredMs, long budgetMs) {
            return new Outcome(budgetMs, measure, measuredMs);
        }
    }
}
