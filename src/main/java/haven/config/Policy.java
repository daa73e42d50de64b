package haven.config;

import java.time.Duration;

/**
 * Placement policy. {@code stickiness}: a running group stays where it is even when its preferred node
 * returns. {@code migrationThreshold} failures of one resource on one node within {@code failureWindow}
 * move its group away from that node.
 */
public record Policy(boolean stickiness, int migrationThreshold, Duration failureWindow) {
    public static final Policy DEFAULT = new Policy(true, 3, Duration.ofMinutes(10));
}
