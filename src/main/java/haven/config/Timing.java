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

    /**
     * How long before its lease runs out a node starts stopping: half a margin, but never more than half of
     * what the lease has beyond two heartbeat intervals (the age a renewal reaches between beats on a quiet
     * network), so that giving up early never costs a healthy node its lease.
     */
    public Duration stopLead() {
        Duration spare = lease.minus(heartbeatInterval.multipliedBy(2));
        Duration lead = leaseMargin.dividedBy(2).compareTo(spare.dividedBy(2)) <= 0 ? leaseMargin.dividedBy(2) : spare.dividedBy(2);
        return lead.isNegative() ? Duration.ZERO : lead;
    }

    /** How long after a node's lease ended its guard forces off what the node did not stop: two margins. */
    public Duration guardSlack() {
        return leaseMargin.multipliedBy(2);
    }

    /**
     * How long after the last moment its lease could be renewed a departed node's groups may start elsewhere:
     * the lease, the guard's two margins, and half a margin for the guard's own force-off.
     */
    public Duration lostAfter() {
        return lease.plus(leaseMargin.multipliedBy(2)).plus(leaseMargin.dividedBy(2));
    }

    public static final Timing DEFAULT = new Timing(
            Duration.ofMillis(80),
            Duration.ofMillis(400),
            Duration.ofMillis(100),
            Duration.ofMillis(400),
            Duration.ofMillis(100),
            Duration.ofMillis(2000));
}
