package haven.sim;

import haven.node.NodeCore;
import java.util.Set;

/**
 * A safety rule broken on purpose, to prove the checkers notice: each must produce a safety violation (a
 * resource active twice, or an action without quorum), not only a stall, in the variant where the rule
 * applies. Switched by constructor parameters the daemon never sets ({@link NodeCore.SafetyRules},
 * {@code GuardState}'s deadline rule) or in the simulated log itself (Raft's refusal of a stale term).
 */
public enum Mutation {
    NONE(SimRun.Variant.PLAIN),
    /** A lone node counts as a quorum. */
    MAJORITY_OF_ONE(SimRun.Variant.PLAIN),
    /** A departed node's groups start elsewhere without waiting for its lease to run out. */
    NO_LEASE_WAIT(SimRun.Variant.PLAIN),
    /** The guard never forces off at its deadline: a frozen daemon's resources outlive its lease. */
    NO_GUARD_DEADLINE(SimRun.Variant.PLAIN),
    /** The scheduler starts a group while another node may still run it. */
    IGNORE_MAY_BE_ACTIVE(SimRun.Variant.PLAIN),
    /** no_quorum_policy freeze: a lost node's groups start elsewhere without fencing it. */
    FREEZE_WITHOUT_FENCING(SimRun.Variant.FREEZE),
    /**
     * A stale leader's commands are accepted: the log commits entries of a leader whose term is over, and a
     * coordinator behind its peers plans anyway (the node's own guard against a stale belief that it leads).
     */
    STALE_LEADER_ACCEPTED(SimRun.Variant.PLAIN),
    /** two_node: the survivor carries on alone though the fencing of its peer failed. */
    PAIR_WITHOUT_FENCING(SimRun.Variant.TWO_NODE),
    /**
     * The guard learns a process only after its launch returned, and a restarted daemon's probe finds only what
     * it started itself (the code before issue 13's fix): a daemon killed between launching a process and
     * learning of it leaves that process running for good, unseen, while the group starts elsewhere.
     */
    GUARD_LEARNS_AFTER_LAUNCH(SimRun.Variant.PLAIN),
    /**
     * IGNORE_MAY_BE_ACTIVE's rule broken in a promotable group: the primary role is placed while another node may
     * still hold it (not yet demoted, not yet declared lost), which the check of two primaries must catch.
     */
    PROMOTE_WHILE_PRIMARY_ELSEWHERE(SimRun.Variant.PROMOTABLE),
    /** A promotion of a group with notifications skips its pre-promote round: the agents are not told first. */
    PROMOTE_UNANNOUNCED(SimRun.Variant.PROMOTABLE),
    /**
     * The agents skip their pre-promotion query and trust the promotion scores alone, which lag behind the data:
     * a replica cut off for a while ranks as high as one that kept up, and may be promoted instead of it.
     */
    PROMOTE_BEHIND(SimRun.Variant.PROMOTABLE),
    /**
     * The pre-promotion query skips the primary the copy followed last instead of asking the members of the view
     * (the agents' rule before stop 22): a deposed primary that runs on as a replica, with writes of a new epoch
     * the others never got, is not asked, and a copy behind it is promoted.
     */
    PROMOTION_QUERY_SKIPS_FOLLOWED(SimRun.Variant.PROMOTABLE);

    private final SimRun.Variant variant;

    Mutation(SimRun.Variant variant) {
        this.variant = variant;
    }

    /** The variant where the rule applies. */
    public SimRun.Variant variant() {
        return variant;
    }

    NodeCore.SafetyRules rules(NodeCore.SafetyRules real) {
        return switch (this) {
            case MAJORITY_OF_ONE -> new NodeCore.SafetyRules(1, real.lostAfterMs());
            case NO_LEASE_WAIT -> new NodeCore.SafetyRules(real.majority(), 0);
            case IGNORE_MAY_BE_ACTIVE, PROMOTE_WHILE_PRIMARY_ELSEWHERE -> broken(real, NodeCore.SafetyRules.Broken.MAY_BE_ACTIVE);
            case FREEZE_WITHOUT_FENCING -> broken(real, NodeCore.SafetyRules.Broken.FREEZE_WITHOUT_FENCING);
            case PAIR_WITHOUT_FENCING -> broken(real, NodeCore.SafetyRules.Broken.PAIR_WITHOUT_FENCING);
            case STALE_LEADER_ACCEPTED -> broken(real, NodeCore.SafetyRules.Broken.STALE_COORDINATOR);
            case PROMOTE_UNANNOUNCED -> broken(real, NodeCore.SafetyRules.Broken.PROMOTE_UNANNOUNCED);
            default -> real;
        };
    }

    /** Whether the "may still be active" rule is broken (in the scheduler, and in the log's compare-and-set). */
    boolean ignoresMayBeActive() {
        return this == IGNORE_MAY_BE_ACTIVE || this == PROMOTE_WHILE_PRIMARY_ELSEWHERE;
    }

    private static NodeCore.SafetyRules broken(NodeCore.SafetyRules real, NodeCore.SafetyRules.Broken rule) {
        return new NodeCore.SafetyRules(real.majority(), real.lostAfterMs(), Set.of(rule));
    }
}
