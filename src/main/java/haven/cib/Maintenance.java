package haven.cib;

/**
 * Cluster-wide maintenance mode, as committed: while {@code on}, haven starts, stops and recovers nothing and
 * places nothing, so an administrator can work on a service by hand. {@code reason} and {@code sinceEpochMs}
 * (the proposer's wall clock) are for the status and the timeline.
 */
public record Maintenance(boolean on, String reason, long sinceEpochMs) {
    public static final Maintenance OFF = new Maintenance(false, "", 0);

    public Maintenance {
        reason = reason == null ? "" : reason;
    }
}
