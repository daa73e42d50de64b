package haven.node;

import haven.cib.Command;
import haven.cib.GroupState;
import haven.config.GroupConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.Operation;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Drives one group on this node toward what the committed state says: all members running in start order
 * ({@link GroupConfig#startOrder}: as listed, but by default a virtual address after the members that can
 * start without it, so clients reach the node only once its service listens), or all stopped in reverse.
 * One step at a time: it never starts a member before the ones before it run, never starts anything while
 * an operation of the group is in flight, and a failed member is stopped (with the members that depend on
 * it, {@link GroupConfig#dependentsOf}) before it is started again.
 */
final class GroupReconciler {
    private final NodeId self;
    private final LocalResources local;

    GroupReconciler(NodeId self, LocalResources local) {
        this.self = self;
        this.local = local;
    }

    /** What the group needs next; emits at most one operation, or one report for the cluster log. */
    void step(GroupConfig group, GroupState committed, boolean shouldRun, boolean mayStart, Reports reports,
            Consumer<Effect> out) {
        if (!local.settled(group.startOrder(), out)) return;
        if (shouldRun) {
            if (mayStart) start(group, committed, reports, out);
        } else {
            stop(group, committed, reports, out);
        }
    }

    private void start(GroupConfig group, GroupState committed, Reports reports, Consumer<Effect> out) {
        List<ResourceId> members = group.startOrder();
        if (stopFailed(group, local, out)) return;
        for (ResourceId r : members) {
            if (local.state(r) == LocalState.STOPPED) {
                out.accept(local.begin(r, Operation.START, committed.generation()));
                return;
            }
        }
        reports.started(group.id(), committed.generation());
    }

    private void stop(GroupConfig group, GroupState committed, Reports reports, Consumer<Effect> out) {
        List<ResourceId> members = group.startOrder();
        for (int j = members.size() - 1; j >= 0; j--) {
            if (local.state(members.get(j)) != LocalState.STOPPED) {
                out.accept(local.begin(members.get(j), Operation.STOP));
                return;
            }
        }
        boolean heldElsewhereOrNowhere = !committed.assigned().equals(Optional.of(self));
        if (heldElsewhereOrNowhere && committed.mayBeActive().contains(self)) {
            reports.released(group.id(), committed.generation());
        }
    }

    /**
     * The first failed member in start order, stopped with what depends on it first (one operation); false when no
     * member failed. Shared with {@link PromotableReconciler}, whose primary recovers a failed member the same way.
     */
    static boolean stopFailed(GroupConfig group, LocalResources local, Consumer<Effect> out) {
        for (ResourceId failed : group.startOrder()) {
            if (local.state(failed) != LocalState.FAILED) continue;
            List<ResourceId> dependents = group.dependentsOf(failed);
            for (int j = dependents.size() - 1; j >= 0; j--) {
                if (local.state(dependents.get(j)) != LocalState.STOPPED) {
                    out.accept(local.begin(dependents.get(j), Operation.STOP));
                    return true;
                }
            }
            out.accept(local.begin(failed, Operation.STOP));
            return true;
        }
        return false;
    }

    /** Reports for the cluster log, each sent once per generation. */
    interface Reports {
        void started(haven.core.GroupId group, long generation);

        void released(haven.core.GroupId group, long generation);

        void failed(Command.ResourceFailed failure);
    }
}
