package haven.core;

public enum Operation {
    START, STOP, MONITOR,
    /** Apply changed parameters to a running resource without stopping it (OCF {@code reload-agent} or {@code reload}). */
    RELOAD,
    /** Take a running instance of a promotable resource into the primary role (OCF {@code promote}). */
    PROMOTE,
    /** Take the primary role back to a replica's, leaving the instance running (OCF {@code demote}). */
    DEMOTE,
    /**
     * Tell a running instance of a promotable resource that an instance somewhere is about to, or did, start, stop,
     * get promoted or demoted (OCF {@code notify}); changes nothing about the instance here.
     */
    NOTIFY
}
