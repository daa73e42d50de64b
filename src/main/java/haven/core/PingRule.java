package haven.core;

import java.time.Duration;

/**
 * When a node counts its uplink as lost: one echo per ping node each {@link #INTERVAL}, and the uplink is down
 * after {@link #DOWN_AFTER} in a row go unanswered. A constant of the design shared by the ping monitor that
 * sends the echoes and the two-node quorum that waits for its verdict before a fence race.
 */
public final class PingRule {
    public static final Duration INTERVAL = Duration.ofSeconds(1);
    public static final int DOWN_AFTER = 3;

    private PingRule() {}
}
