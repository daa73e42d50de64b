package haven.executor.agents.conformance;

import java.util.List;
import java.util.Optional;

/** The steps of one conformance run, in order, and how to print them. */
public record ConformanceReport(String agent, List<StepResult> steps) {
    public ConformanceReport {
        steps = List.copyOf(steps);
    }

    public boolean passed() {
        return steps.stream().noneMatch(StepResult::failed);
    }

    public Optional<StepResult> firstFailure() {
        return steps.stream().filter(StepResult::failed).findFirst();
    }

    public String render() {
        StringBuilder b = new StringBuilder("agent test " + agent + "\n");
        for (StepResult s : steps) {
            String code = s.exitCode() < 0 ? "-" : Integer.toString(s.exitCode());
            b.append(String.format("  %-4s  %-26s exit %-4s %7d ms  %s", s.outcome(), s.step(), code, s.elapsed().toMillis(), s.note())
                    .stripTrailing()).append('\n');
        }
        long failed = steps.stream().filter(StepResult::failed).count();
        if (failed == 0) {
            b.append("result: PASSED (").append(steps.size()).append(" steps)\n");
        } else {
            b.append("result: FAILED at step '").append(firstFailure().orElseThrow().step()).append("' (").append(failed)
                    .append(" of ").append(steps.size()).append(" steps failed): not safe to use in a cluster as it is\n");
        }
        return b.toString();
    }
}
