package haven.config;

import java.time.Duration;

/**
 * Placement policy. {@code stickiness}: a running group stays where it is even when its preferred node
 * returns. {@code migrationThreshold} failures of one resource on one node within {@code failureWindow}
 * move its group away from that node. {@code multipleActive}: what to do when a group is found active on a
 * node it is not assigned to while it runs where it is assigned (a partition healed under
 * {@code no_quorum_policy: ignore}, or a service started by hand). {@code timeZone}: the zone in which time windows
 * ({@code failback:}) are read, the same for every node (UTC unless {@code time_zone:} says otherwise).
 * {@code strategy}: how a node is chosen among those that score the same ({@link Strategy}).
 */
public record Policy(boolean stickiness, int migrationThreshold, Duration failureWindow, MultipleActive multipleActive,
        java.time.ZoneId timeZone, Strategy strategy) {
    public static final Policy DEFAULT = new Policy(true, 3, Duration.ofMinutes(10), MultipleActive.STOP_EXTRAS);

    public Policy {
        if (timeZone == null) timeZone = java.time.ZoneOffset.UTC;
        if (strategy == null) strategy = Strategy.PREFERRED;
    }

    public Policy(boolean stickiness, int migrationThreshold, Duration failureWindow, MultipleActive multipleActive,
            java.time.ZoneId timeZone) {
        this(stickiness, migrationThreshold, failureWindow, multipleActive, timeZone, Strategy.PREFERRED);
    }

    public Policy withStrategy(Strategy s) {
        return new Policy(stickiness, migrationThreshold, failureWindow, multipleActive, timeZone, s);
    }

    /**
     * Among the nodes a group may run on that score the same (placement scores, then the preferred node), which one:
     * {@code PREFERRED}, the one running the fewest groups (haven's first rule); {@code BALANCED}, the one with more
     * capacity free in more units, then the fewest groups (spreads memory, not counts; Pacemaker's balanced); {@code PACKED},
     * the one whose scarcest unit is the fullest that still fits, then the most groups (fills nodes one by one, so whole
     * nodes stay free; Pacemaker's minimal fills nodes in their order instead).
     */
    public enum Strategy {
        PREFERRED, BALANCED, PACKED
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
