package haven.cts;

import java.util.List;

/**
 * What one iteration did and saw. {@code measuredMs} is -1 for a skipped step or one that failed before its
 * measurement; {@code problems} is empty exactly when the step passed.
 */
public record StepRecord(int iteration, String step, Status status, String expectation, List<String> injected,
        List<String> observed, String measure, long measuredMs, long budgetMs, long durationMs, List<String> problems,
        String logsKept) {

    public enum Status { PASS, FAIL, SKIP }

    static StepRecord skipped(int iteration, String step, String why) {
        return new StepRecord(iteration, step, Status.SKIP, "", List.of(), List.of(why), "", -1, -1, 0, List.of(), "");
    }
}
