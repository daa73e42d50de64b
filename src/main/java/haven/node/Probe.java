package haven.node;

/**
 * A rare path the node logic took, tagged on the note that tells the operator about it. The simulator counts
 * these to prove that a batch of seeds reached each path; nothing in the daemon acts on them.
 */
public enum Probe {
    /** A node stood still longer than its lease and voided it on waking. */
    FROZEN_LEASE_VOIDED,
    /** A proposal was not committed (its coordinator lost the log) and is retried. */
    PROPOSAL_RETRIED,
    /** Members joined: stopped resources are probed again for instances started meanwhile. */
    MEMBERS_JOINED_REPROBE,
    /** no_quorum_policy freeze: a node without quorum keeps what runs and starts nothing. */
    FREEZE_KEPT_SERVICES,
    /** In maintenance mode a failure was seen and left alone. */
    MAINTENANCE_LEFT_ALONE,
    /** Maintenance mode ended: every resource is probed again. */
    MAINTENANCE_ENDED
}
