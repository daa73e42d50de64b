package haven.config;

import java.time.Duration;

/**
 * Placement policy. {@code stickiness}: a running group stays where it is even when its preferred node
 * returns. {@code migrationThreshold} failures of one resource on one node within {@code failureWindow}
 * move its group away from that node. {@code multipleActive}: what to do when a group is found active on a
 * node it is not assigned to while it runs where it is assigned (a partition healed under
 * {@code no_quorum_policy: ignore}, or a service started by hand). {@code timeZone}: the zone in which time windows
 * ({@code failback:}) are read, the same for every node (UTC unless {@code time_zone:} says otherwise).
 */
public record Policy(boolean stickiness, int migrationThreshold, Duration failureWindow, MultipleActive multipleActive,
        java.time.ZoneId timeZone) {
    public static final Policy DEFAULT = new Policy(true, 3, Duration.ofMinutes(10), MultipleActive.STOP_EXTRAS);

    public Policy {
        if (timeZone == null) timeZone = java.time.ZoneOffset.UTC;
    }

    public Policy(boolean stickiness, int migrationThreshold, Duration failureWindow, MultipleActive multipleActive) {
        this(stickiness, migrationThreshold, failureWindow, multipleActive, java.time.ZoneOffset.UTC);
    }

    public Policy(boolean stickiness, int migrationThreshold, Duration failureWindow) {
        this(stickiness, migrationThreshold, failureWindow, MultipleActive.STOP_EXTRAS);
    }

    public enum MultipleActive {
        /** Stop the instances where the group is not assigned; the assigned one keeps running undisturbed. */
        STOP_EXTRAS,
        /**
         * Stop every instance, then start one afresh: for services whose two instances may each have written
         * data meanwhile, so that the one that goes on running starts from what is on disk, not from memory.
         */
        STOP_ALL
    }
}
