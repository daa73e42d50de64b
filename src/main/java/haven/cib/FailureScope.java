package haven.cib;

/**
 * Where a resource failure can be cured, from the agent's exit code (OCF's recovery scopes): it decides
 * whether the group restarts here, leaves this node, or stops everywhere until an administrator fixes the
 * config and cleans the failure up.
 */
public enum FailureScope {
    /** A restart may fix it (OCF 1, a monitor that found it dead, a timeout): counted toward migration_threshold. */
    LOCAL,
    /** This node cannot run it (OCF 3, 4, 5: unimplemented, no permission, not installed): banned here at once. */
    NODE,
    /** The configuration is wrong, so no node can run it (OCF 2, 6: invalid arguments, not configured). */
    EVERYWHERE,
    /**
     * Its stop failed and forcing it off failed too: it may still run on that node, which only fencing ends.
     * Counted like a local failure; what it adds is the fencing (node.FenceDuty).
     */
    STUCK
}
