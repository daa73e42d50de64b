package haven.node;

import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.core.NodeId;
import haven.core.Operation;
import haven.core.ResourceId;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Drives a promotable group on this node toward its role here: none, a replica (the promoted members running,
 * unpromoted), or the primary (them promoted, then the primary-only members started). As {@link GroupReconciler},
 * one operation at a time. Leaving the primary role goes in reverse: the primary-only members stop, the promoted
 * ones are demoted, and only then does this node report the role released, so the next primary is promoted only
 * after this one has stepped down (or has been declared lost). A member that failed may still hold the role, so it
 * is stopped, not trusted to have lost it, before that report.
 */
final class PromotableReconciler {
    /** What this node should be for the group. */
    enum Role { NONE, REPLICA, PRIMARY }

    /**
     * Whether an action on the group's promoted members may begin now (its notification round is done, see
     * {@link NotifyGate}); always yes for a group without notifications.
     */
    interface Gate {
        Gate OPEN = op -> true;

        boolean ready(Operation op);
    }

    private final NodeId self;
    private final LocalResources local;
    private final DeclinedPromotions declined;

    PromotableReconciler(NodeId self, LocalResources local) {
        this(self, local, new DeclinedPromotions());
    }

    PromotableReconciler(NodeId self, LocalResources local, DeclinedPromotions declined) {
        this.self = self;
        this.local = local;
        this.declined = declined;
    }

    /**
     * {@code mayStartPrimary}: the primary role may be taken now (the lease is valid and the log caught up);
     * {@code mayStartReplica}: the same for starting a replica.
     */
    void step(GroupConfig group, GroupState committed, Role role, boolean mayStartPrimary, boolean mayStartReplica,
            GroupReconciler.Reports reports, Consumer<Effect> out) {
        step(group, committed, role, mayStartPrimary, mayStartReplica, Gate.OPEN, 0, reports, out);
    }

    void step(GroupConfig group, GroupState committed, Role role, boolean mayStartPrimary, boolean mayStartReplica, Gate gate,
            long nowMs, GroupReconciler.Reports reports, Consumer<Effect> out) {
        if (!local.settled(group.startOrder(), out)) return;
        if (role == Role.PRIMARY) {
            if (mayStartPrimary) toPrimary(group, committed, gate, nowMs, reports, out);
            return;
        }
        if (stepDown(group, gate, out)) return;
        if (!committed.assigned().equals(Optional.of(self)) && committed.mayBeActive().contains(self)) {
            reports.released(group.id(), committed.generation());
        }
        List<ResourceId> replicated = group.replicaMembers();
        if (role == Role.NONE) {
            for (int j = replicated.size() - 1; j >= 0; j--) {
                if (local.state(replicated.get(j)) != LocalState.STOPPED) {
                    if (gate.ready(Operation.STOP)) out.accept(local.begin(replicated.get(j), Operation.STOP));
                    return;
                }
            }
        } else if (mayStartReplica) {
            for (ResourceId r : replicated) {
                if (local.state(r) == LocalState.STOPPED) {
                    if (gate.ready(Operation.START)) out.accept(local.begin(r, Operation.START, committed.generation()));
                    return;
                }
            }
        }
    }

    /** One operation toward holding no primary role here; false once none is held. */
    private boolean stepDown(GroupConfig group, Gate gate, Consumer<Effect> out) {
        List<ResourceId> members = group.startOrder();
        for (int j = members.size() - 1; j >= 0; j--) {
            ResourceId r = members.get(j);
            if (group.primaryOnly(r) && local.state(r) != LocalState.STOPPED) {
                out.accept(local.begin(r, Operation.STOP));
                return true;
            }
        }
        List<ResourceId> replicated = group.replicaMembers();
        for (int j = replicated.size() - 1; j >= 0; j--) {
            ResourceId r = replicated.get(j);
            if (local.state(r) == LocalState.FAILED) {
                out.accept(local.begin(r, Operation.STOP)); // broken already: no round holds its stop
                return true;
            }
            if (local.state(r) == LocalState.PROMOTED) {
                if (gate.ready(Operation.DEMOTE)) out.accept(local.begin(r, Operation.DEMOTE));
                return true;
            }
        }
        return false;
    }

    private void toPrimary(GroupConfig group, GroupState committed, Gate gate, long nowMs, GroupReconciler.Reports reports,
            Consumer<Effect> out) {
        if (GroupReconciler.stopFailed(group, local, out)) return;
        List<ResourceId> members = group.startOrder();
        for (ResourceId r : group.replicaMembers()) {
            if (local.state(r) == LocalState.STOPPED) {
                if (gate.ready(Operation.START)) out.accept(local.begin(r, Operation.START, committed.generation()));
                return;
            }
        }
        for (ResourceId r : group.replicaMembers()) {
            if (local.state(r) == LocalState.STARTED) {
                if (declined.holdsOff(r, committed.generation(), nowMs)) return;
                if (gate.ready(Operation.PROMOTE)) out.accept(local.begin(r, Operation.PROMOTE, committed.generation()));
                return;
            }
        }
        for (ResourceId r : members) {
            if (group.primaryOnly(r) && local.state(r) == LocalState.STOPPED) {
                out.accept(local.begin(r, Operation.START, committed.generation()));
                return;
            }
        }
        reports.started(group.id(), committed.generation());
    }
}
