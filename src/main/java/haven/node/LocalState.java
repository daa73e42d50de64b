package haven.node;

/** What this node knows of one resource on itself. */
public enum LocalState {
    /** Not probed since the daemon started: it may be running (left over from a crash) or not. */
    UNKNOWN,
    STOPPED,
    STARTED,
    /** Running in the primary role (a promotable group's promoted member); STARTED is then a replica. */
    PROMOTED,
    /** Failed while it should run (or failed to start); must be stopped cleanly before a new start. */
    FAILED,
    /** A stop failed or timed out: the resource may still be active, so it is never reported released. */
    STOP_FAILED;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
