package haven.node;

import haven.core.ResourceId;
import java.util.HashMap;
import java.util.Map;

/**
 * Promotions a built-in agent declined: its copy is not whole, or a replica it reaches holds a more current one. A
 * decline is not a failure: the replica runs on, its agent has already lowered its score, and the scheduler hands
 * the role to a better copy. Until then the reconciler must not ask again at every step (each ask is a query of every peer), so
 * the same generation's promotion waits {@link #HOLD_OFF_MS}; a new generation (the role given anew) asks at once.
 */
final class DeclinedPromotions {
    /**
     * Longer than the role takes to move once the lower score is committed (a proposal and a plan, a few hundred
     * ms); an ask after it that finds the better copy still there is declined again, which costs one query.
     */
    static final long HOLD_OFF_MS = 1_000;

    private record Declined(long generation, long atMs) {}

    private final Map<ResourceId, Declined> declined = new HashMap<>();

    void declined(ResourceId r, long generation, long nowMs) {
        declined.put(r, new Declined(generation, nowMs));
    }

    /** Whether the promotion of {@code r} under {@code generation} should wait for now. */
    boolean holdsOff(ResourceId r, long generation, long nowMs) {
        Declined d = declined.get(r);
        if (d == null) return false;
        if (d.generation() == generation && nowMs - d.atMs() < HOLD_OFF_MS) return true;
        declined.remove(r);
        return false;
    }
}
