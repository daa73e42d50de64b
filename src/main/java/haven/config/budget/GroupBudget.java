package haven.config.budget;

import haven.core.GroupId;
import java.time.Duration;

/**
 * The worst-case time from the death of the node running {@code group} to the group running on another
 * node, term by term, in the order they happen. See {@link FailoverBudget} for where each term comes from.
 */
public record GroupBudget(
        GroupId group,
        Duration detect,
        Duration confirm,
        Duration leaseWait,
        Duration fence,
        Duration plan,
        Duration probeStart) {

    public Duration worstCase() {
        return detect.plus(confirm).plus(leaseWait).plus(fence).plus(plan).plus(probeStart);
    }
}
