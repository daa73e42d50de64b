package haven.node;

import haven.cib.GroupState;
import haven.config.ClusterConfig;
import haven.core.AgentResult;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.Optional;

/**
 * Whether what an agent reports of a promotable group's promoted member matches the role this node holds: a
 * replica wherever the group has an instance, the primary role only where the group is assigned. A mismatch is
 * a failure; the reconciler then takes the instance down (stops it, or demotes it to the replica it may be).
 */
final class RoleCheck {
    private RoleCheck() {}

    /** A probe found the member running ({@code res}): why that is wrong here, or empty. */
    static Optional<String> onProbe(AgentResult res, GroupState group, boolean assignedHere, NodeId self) {
        if (!res.isOk()) return Optional.empty();
        boolean instanceHere = group.instances().contains(self) || assignedHere;
        if (!instanceHere) return Optional.of("found running where its group has no instance; stopping it");
        if (res.status() == AgentResult.Status.PROMOTED && !assignedHere) {
            return Optional.of("found in the primary role, which is not this node's; demoting it");
        }
        return Optional.empty();
    }

    /** A monitor of a running member found the other role than the one this node gave it: why, or empty. */
    static Optional<String> onMonitor(ResourceId r, LocalState before, AgentResult res, ClusterConfig config) {
        if (!res.isOk() || !config.groupOf(r).replicaMembers().contains(r)) return Optional.empty();
        boolean promoted = res.status() == AgentResult.Status.PROMOTED;
        if (before == LocalState.PROMOTED && !promoted) return Optional.of("running, but no longer in the primary role");
        if (before == LocalState.STARTED && promoted) return Optional.of("found in the primary role, which it was not given");
        return Optional.empty();
    }
}
