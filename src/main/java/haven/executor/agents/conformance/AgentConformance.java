package haven.executor.agents.conformance;

import haven.executor.agents.ScriptCall;
import haven.executor.agents.ocf.OcfAction;
import haven.executor.agents.ocf.OcfMetadata;
import haven.executor.agents.ocf.OcfMetadataParser;
import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Is this agent safe to put in a cluster? A sequence in the spirit of ClusterLabs' ocf-tester, each step
 * checking one promise the cluster relies on: meta-data parses; validate-all accepts the parameters;
 * monitor of a stopped resource says "not running" (else every node's probe would find it active);
 * start, then monitor says running; start again succeeds (starts are repeated after lost replies); stop,
 * stop again succeeds (a failed stop of a stopped resource would look like a node to fence); monitor
 * says "not running" again (else stop left it running).
 *
 * <p>Every step runs even after a failure, so the report shows all that is wrong at once; if the last
 * monitor does not say "not running", one more stop is tried so the test leaves nothing behind.
 */
public final class AgentConformance {
    /** When meta-data does not advise a timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);

    private final Target target;
    private final Optional<Duration> timeoutOverride;
    private OcfMetadata metadata;

    /** {@code timeoutOverride}: every action's timeout; empty: what meta-data advises, else 20 s. */
    public AgentConformance(Target target, Optional<Duration> timeoutOverride) {
        this.target = target;
        this.timeoutOverride = timeoutOverride;
    }

    public ConformanceReport run() {
        List<StepResult> steps = new ArrayList<>();
        Optional<String> missing = target.missing();
        if (missing.isPresent()) {
            steps.add(new StepResult("installed", StepResult.Outcome.FAIL, -1, Duration.ZERO, missing.get()));
            return new ConformanceReport(target.name(), steps);
        }
        String monitor = target.monitorAction();
        int stopped = target.notRunningCode();
        if (target.hasMetadata()) {
            steps.add(metadataStep());
            steps.add(validateStep());
        }
        steps.add(expect(monitor + " when stopped", monitor, stopped,
                "it claims to run before it was started: every node's probe would find it active"));
        StepResult started = expect("start", "start", 0, "start must succeed");
        steps.add(started);
        steps.add(expect(monitor + " after start", monitor, 0,
                started.failed() ? "start failed" : "start returned before it ran, or " + monitor + " cannot see it running"));
        steps.add(expect("start again", "start", 0, "starting a running resource must succeed (starts are retried)"));
        steps.add(expect("stop", "stop", 0, "stop must succeed"));
        steps.add(expect("stop again", "stop", 0,
                "stopping a stopped resource must succeed, or the cluster reads it as a failed stop and fences the node"));
        StepResult last = expect(monitor + " after stop", monitor, stopped, "stop left it running (or it cannot tell)");
        steps.add(last);
        if (last.failed()) target.call("stop", timeout("stop"));
        return new ConformanceReport(target.name(), steps);
    }

    private StepResult metadataStep() {
        Duration t = timeoutOverride.orElse(METADATA_TIMEOUT);
        ProcessRunner.Result r = target.call("meta-data", t);
        if (!r.ok()) return failed("meta-data", r, "meta-data must exit 0 and print the agent's XML: " + r.describe());
        try {
            metadata = OcfMetadataParser.parse(target.name(), r.output());
        } catch (IllegalArgumentException e) {
            return failed("meta-data", r, e.getMessage());
        }
        List<String> missing = new ArrayList<>();
        for (String a : List.of("start", "stop", "monitor")) if (!metadata.advertises(a)) missing.add(a);
        if (!missing.isEmpty()) return failed("meta-data", r, "meta-data lists no " + String.join(", ", missing) + " action");
        return new StepResult("meta-data", StepResult.Outcome.PASS, r.exitCode(), r.elapsed(),
                metadata.parameters().size() + " parameters, " + metadata.actions().size() + " actions");
    }

    private StepResult validateStep() {
        if (metadata != null && !metadata.advertises("validate-all")) {
            return new StepResult("validate-all", StepResult.Outcome.SKIP, -1, Duration.ZERO, "not advertised in meta-data");
        }
        return expect("validate-all", "validate-all", 0, "the parameters are rejected (or the agent cannot run here)");
    }

    private StepResult expect(String step, String action, int wanted, String reason) {
        ProcessRunner.Result r = target.call(action, timeout(action));
        if (r.timedOut()) {
            return new StepResult(step, StepResult.Outcome.FAIL, -1, r.elapsed(), "no answer within " + timeout(action).toMillis()
                    + " ms; its process group was killed");
        }
        if (r.exitCode() == wanted) return new StepResult(step, StepResult.Outcome.PASS, r.exitCode(), r.elapsed(), "");
        String said = ScriptCall.lastWords(r);
        return failed(step, r, "expected " + target.describeExit(action, wanted) + ", got " + target.describeExit(action, r.exitCode())
                + ": " + reason + (said.isEmpty() ? "" : "; it said: " + said));
    }

    private static StepResult failed(String step, ProcessRunner.Result r, String why) {
        return new StepResult(step, StepResult.Outcome.FAIL, r.timedOut() ? -1 : r.exitCode(), r.elapsed(), why);
    }

    private Duration timeout(String action) {
        if (timeoutOverride.isPresent()) return timeoutOverride.get();
        String declared = action.equals("status") ? "monitor" : action;
        return Optional.ofNullable(metadata).flatMap(m -> m.action(declared)).flatMap(OcfAction::timeout)
                .filter(d -> !d.isZero()).orElse(DEFAULT_TIMEOUT);
    }
}
