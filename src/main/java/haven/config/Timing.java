package haven.config;

import java.time.Duration;

/**
 * Failure-detection and lease timers. Detection of a silent host takes about
 * {@code failureTimeout + verifyTimeout}; a node keeps running its resources only while it has heard a
 * quorum within {@code lease}, and the coordinator waits {@code lease + 2.5 × leaseMargin} from the last
 * moment a member of its view could renew a departed node's lease before starting that node's resources
 * elsewhere ({@code node.Lease}).
 */
public record Timing(
        Duration heartbeatInterval,
        Duration failureTimeout,
        Duration verifyTimeout,
        Duration lease,
        Duration leaseMargin,
        Duration joinTimeout) {

    public static final Timing DEFAULT = new Timing(
            Duration.ofMillis(80),
            Duration.ofMillis(400),
            Duration.ofMillis(100),
            Duration.ofMillis(400),
            Duration.ofMillis(100),
            Duration.ofMillis(2000));
}
