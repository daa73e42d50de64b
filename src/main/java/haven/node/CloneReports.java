package haven.node;

import haven.cib.Command;
import haven.cib.GroupState;
import haven.core.GroupId;
import haven.core.NodeId;

/**
 * A clone instance's reports: started once the committed state does not count this node's instance started yet,
 * released once the node, no longer listed, still counts as possibly running one. Derived from the committed state at
 * every step, so a report lost with a failed proposal is made again; a duplicate changes nothing.
 */
final class CloneReports implements GroupReconciler.Reports {
    private final Outbox outbox;
    private final NodeId self;
    private final GroupState committed;

    CloneReports(Outbox outbox, NodeId self, GroupState committed) {
        this.outbox = outbox;
        this.self = self;
        this.committed = committed;
    }

    @Override
    public void started(GroupId group, long generation) {
        Command c = new Command.InstanceStarted(group, self);
        if (!committed.startedOn().contains(self) && committed.instances().contains(self) && !outbox.holds(c)) {
            outbox.add(java.util.List.of(c));
        }
    }

    @Override
    public void released(GroupId group, long generation) {
        Command c = new Command.InstanceReleased(group, self);
        if (!committed.instances().contains(self) && committed.mayBeActive().contains(self) && !outbox.holds(c)) {
            outbox.add(java.util.List.of(c));
        }
    }

    @Override
    public void failed(Command.ResourceFailed failure) {
        outbox.failed(failure);
    }
}
