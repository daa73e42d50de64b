package haven.config.budget;

import java.time.Duration;

/**
 * What fencing adds to a failover: the coordinator may start a lost node's groups only once the node is
 * fenced, so the budget waits for the slowest path through the fencing levels plus a fixed delay. haven
 * has no fencing yet, so today this is {@link #NONE}; when fencing arrives, its config builds a real term
 * and the budget (a separate column) takes it in with no other change.
 */
public record FencingTerm(Duration slowestLevelPath, Duration staticDelay) {
    public static final FencingTerm NONE = new FencingTerm(Duration.ZERO, Duration.ZERO);

    public FencingTerm {
        if (slowestLevelPath.isNegative() || staticDelay.isNegative()) {
            throw new IllegalArgumentException("a fencing term cannot be negative");
        }
    }

    public Duration total() {
        return slowestLevelPath.plus(staticDelay);
    }

    public boolean configured() {
        return !total().isZero();
    }
}
