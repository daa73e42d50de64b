package haven.node;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.AgentResult;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.function.Consumer;

/**
 * Notification rounds of promotable groups with {@code notify: true}, this node's two parts: answering others'
 * rounds ({@link NotifyAnswers}) and holding its own actions for theirs ({@link NotifyGate}).
 */
final class Notifications {
    private final NotifyAnswers answers;
    private final NotifyGate gate;
    private final LocalResources local;

    Notifications(NodeId self, Outbox outbox, LocalResources local, boolean promotesUnannounced) {
        this.answers = new NotifyAnswers(self, outbox, local);
        this.gate = new NotifyGate(self, outbox, promotesUnannounced);
        this.local = local;
    }

    /** Answers the rounds that await this node and opens the post rounds of its finished actions. */
    void step(ClusterConfig config, ClusterState state, long nowMs, Consumer<Effect> out) {
        answers.step(config, state, gate::tracks, nowMs, out);
        gate.step(config, state, nowMs, answers::toldOwn, out);
    }

    /** The gate of this step for {@code g}'s actions. */
    PromotableReconciler.Gate gate(ClusterConfig config, GroupConfig g, ClusterState state, boolean leaseValid, long nowMs,
            long nowEpochMs, Consumer<Effect> out) {
        if (!g.notifies()) return PromotableReconciler.Gate.OPEN;
        return op -> gate.ready(config, g, state, op, leaseValid, nowMs, nowEpochMs, answers::toldOwn, out);
    }

    /** After an operation's result was taken in: a failed notify call is noted; a finished action gets its post round. */
    void opDone(NodeEvent.OpDone d, GroupConfig g, long nowMs, long nowEpochMs, Consumer<Effect> out) {
        ResourceId r = d.resource();
        if (!g.notifies() || !g.replicaMembers().contains(r)) return;
        AgentResult res = d.result();
        switch (d.op()) {
            case NOTIFY -> {
                if (!res.isOk()) out.accept(new Effect.Note("notify of " + r + " failed (" + res.status() + " " + res.detail() + "); the action it announced goes on"));
            }
            case START -> gate.acted(g.id(), d.op(), res.isOk(), none(g, LocalState.STOPPED), nowMs, nowEpochMs);
            case PROMOTE -> gate.acted(g.id(), d.op(), res.isOk(), none(g, LocalState.STARTED), nowMs, nowEpochMs);
            case DEMOTE -> gate.acted(g.id(), d.op(), res.isOk(), none(g, LocalState.PROMOTED), nowMs, nowEpochMs);
            case STOP -> gate.acted(g.id(), d.op(), res.isOk() || res.status() == AgentResult.Status.NOT_RUNNING,
                    g.replicaMembers().stream().allMatch(m -> local.state(m) == LocalState.STOPPED), nowMs, nowEpochMs);
            case MONITOR, RELOAD -> { }
        }
    }

    private boolean none(GroupConfig g, LocalState state) {
        return g.replicaMembers().stream().noneMatch(m -> local.state(m) == state);
    }
}
