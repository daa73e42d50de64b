package haven.fencing;

import java.time.Duration;
import java.time.Instant;

/**
 * One agent run made while fencing a node: an entry of the fencing history that {@code haven status} shows.
 *
 * @param level      the topology level this run belonged to (1, 2, ...)
 * @param exitCode   the agent's exit status; -1 when it timed out, 127 when it could not be started
 * @param outputTail the last lines the agent printed (stderr first), passwords masked
 */
public record FenceAttempt(Instant startedAt, int level, String device, FenceAction action, String plug,
        Verdict verdict, int exitCode, Duration elapsed, String outputTail) {

    public enum Verdict {
        /** The action's exit status was 0. */
        SUCCEEDED,
        FAILED,
        /** The agent ran past the device's timeout; its process group was killed. */
        TIMED_OUT,
        /** A status run after off: the plug is off, as it should be. */
        CONFIRMED_OFF,
        /** A status run after off: the agent still reports the plug on, so the off did not take. */
        STILL_ON,
        /** A status run after off that gave no answer: the off's own success stands, unconfirmed. */
        STATUS_UNKNOWN;

        public boolean good() {
            return this == SUCCEEDED || this == CONFIRMED_OFF || this == STATUS_UNKNOWN;
        }
    }

    static FenceAttempt of(Instant startedAt, int level, String device, String plug, AgentRun run) {
        Verdict v;
        if (run.timedOut()) {
            v = Verdict.TIMED_OUT;
        } else if (run.action() == FenceAction.STATUS) {
            v = switch (run.power()) {
                case OFF -> Verdict.CONFIRMED_OFF;
                case ON -> Verdict.STILL_ON;
                case UNKNOWN -> Verdict.STATUS_UNKNOWN;
            };
        } else {
            v = run.exitCode() == 0 ? Verdict.SUCCEEDED : Verdict.FAILED;
        }
        return new FenceAttempt(startedAt, level, device, run.action(), plug, v, run.timedOut() ? -1 : run.exitCode(),
                run.elapsed(), run.outputTail(5));
    }

    /** An attempt that never reached the agent (it is not installed, say); {@code why} says what to fix. */
    static FenceAttempt notRun(Instant startedAt, int level, String device, FenceAction action, String plug, String why) {
        return new FenceAttempt(startedAt, level, device, action, plug, Verdict.FAILED, AgentRun.CANNOT_START,
                Duration.ZERO, why);
    }

    /** "level 1 ipmi-n2 off plug=n2: FAILED (exit 1) in 1200 ms: Unable to connect". */
    public String describe() {
        String how = switch (verdict) {
            case TIMED_OUT -> "TIMED_OUT";
            case CONFIRMED_OFF -> "CONFIRMED_OFF (status exit 2)";
            case STILL_ON -> "STILL_ON (status exit 0)";
            default -> verdict + " (exit " + exitCode + ")";
        };
        String tail = outputTail.replace('\n', ' ').strip();
        return "level " + level + " " + device + " " + action + " plug=" + plug + ": " + how + " in "
                + elapsed.toMillis() + " ms" + (tail.isEmpty() ? "" : ": " + tail);
    }
}
