package haven.core;

import java.util.List;

/**
 * The names of the event types a node publishes on its event stream (/ha/events), in one place so that the
 * config's alert hooks can be checked against them. Part of the API.
 */
public final class EventTypes {
    /**
     * "group", "node-lost", "timeline" and "request" (who asked the API for a change) appear only in the cluster
     * timeline (GET /ha/log), not on the stream.
     */
    public static final List<String> ALL = List.of("daemon-started", "membership", "quorum", "coordinator", "placement",
            "resource", "local", "operation", "failure", "cleanup", "fencing", "move", "standby", "ping", "config", "alert", "replication",
            "group", "node-lost", "maintenance", "timeline", "request", "disabled", "unmanaged", "restart", "node-maintenance");

    /** What alert hooks may not subscribe to: their own records, which would call them again without end. */
    public static final String ALERT = "alert";

    private EventTypes() {}
}
