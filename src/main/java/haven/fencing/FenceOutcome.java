package haven.fencing;

import java.time.Duration;
import java.util.List;

/**
 * The result of fencing one node: whether it is safe to consider the node powered off (or rebooted), by
 * which level, and every agent run on the way.
 *
 * @param level    the level that fenced the node; 0 when none did
 * @param attempts every agent run in order, including status confirmations
 * @param summary  one line for logs and status: who, what, which level, or why every level failed
 */
public record FenceOutcome(String target, FenceAction action, boolean fenced, int level, List<FenceAttempt> attempts,
        String summary, Duration elapsed) {

    public FenceOutcome {
        attempts = List.copyOf(attempts);
    }
}
