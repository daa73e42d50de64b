package haven.executor.agents.conformance;

import java.time.Duration;

/**
 * One step of a conformance run. {@code exitCode} is -1 when the step timed out or did not run; {@code note}
 * is what was learned (a passed step) or why it failed, in words an administrator can act on.
 */
public record StepResult(String step, Outcome outcome, int exitCode, Duration elapsed, String note) {
    public enum Outcome { PASS, FAIL, SKIP }

    public boolean failed() {
        return outcome == Outcome.FAIL;
    }
}
