package haven.node;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.NotifyRound;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.Notice;
import haven.core.ResourceId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * This node's part in notification rounds ({@link NotifyRound}): telling its own instance. Each promoted member
 * running here is told, one after another in start order, with its agent's notify action; a member that does not run
 * is not told (Pacemaker notifies running instances only). For another node's round the node then commits its answer.
 * For its own round (its own action) it commits nothing: the round does not await its subject, which tells its own
 * instance as the others tell theirs and acts once both are done; an answer of its own through the log would wait
 * for a leader, and a proposal in flight to a leader that just died holds everything behind it for its timeout. A
 * notify call that fails is reported by the driver and is not a failure of the instance: the action goes on.
 */
final class NotifyAnswers {
    private final NodeId self;
    private final Outbox outbox;
    private final LocalResources local;
    private final Map<GroupId, Answering> answering = new TreeMap<>();
    /** Per group: the last of this node's own rounds whose telling here is done. */
    private final Map<GroupId, Long> toldOwn = new TreeMap<>();

    /** The round being answered, its members that ran when it was first seen, how many were told, whether answered. */
    private record Answering(NodeId subject, long key, List<ResourceId> members, int told, boolean answered) {}

    NotifyAnswers(NodeId self, Outbox outbox, LocalResources local) {
        this.self = self;
        this.outbox = outbox;
        this.local = local;
    }

    /** Whether this node's own round {@code key} of the group was told here. */
    boolean toldOwn(GroupId group, long key) {
        return toldOwn.getOrDefault(group, Long.MIN_VALUE) == key;
    }

    /** {@code ownRound}: whether a round of this node's (by key) is one its gate waits for, as opposed to a stale one. */
    void step(ClusterConfig config, ClusterState state, BiPredicate<GroupId, Long> ownRound, long nowMs, Consumer<Effect> out) {
        for (GroupConfig g : config.groups()) {
            if (!g.notifies()) continue;
            Optional<NotifyRound> round = state.group(g.id()).round().filter(r -> r.awaiting().contains(self)
                    || (r.subject().equals(self) && ownRound.test(g.id(), r.key()) && !toldOwn(g.id(), r.key())));
            if (round.isEmpty()) {
                answering.remove(g.id());
                continue;
            }
            NotifyRound r = round.get();
            Answering a = answering.get(g.id());
            if (a == null || !r.is(a.subject(), a.key())) {
                a = new Answering(r.subject(), r.key(), g.replicaMembers().stream().filter(local::running).toList(), 0, false);
            }
            answering.put(g.id(), answer(g, r, a, config, state.version(), nowMs, out));
        }
    }

    private Answering answer(GroupConfig g, NotifyRound round, Answering a, ClusterConfig config, long stateVersion, long nowMs,
            Consumer<Effect> out) {
        if (a.told() > 0 && local.busy(a.members().get(a.told() - 1))) return a; // the last call runs still
        if (a.told() < a.members().size()) {
            ResourceId member = a.members().get(a.told());
            if (local.busy(member)) return a; // a monitor, say: the call follows it
            if (local.running(member)) {
                out.accept(local.beginNotify(member, new Notice(round.pre(), round.operation(), round.subject(), round.active(),
                        round.primary(), config.serviceNodeIds())));
            }
            return new Answering(a.subject(), a.key(), a.members(), a.told() + 1, false);
        }
        if (round.subject().equals(self)) {
            toldOwn.put(g.id(), round.key());
            return a;
        }
        // Made again whenever the outbox is idle and the round still awaits this node: a lost proposal is repeated,
        // one committed but not yet seen is not (idle waits for the state to pass it).
        Command.NotifyDone done = new Command.NotifyDone(g.id(), round.subject(), round.key(), self);
        if (!outbox.holds(done) && outbox.idle(nowMs, stateVersion)) {
            if (!a.answered()) out.accept(new Effect.Note("notify: told " + a.members() + " of " + round.subject() + "'s "
                    + NotifyRound.action(round.pre(), round.operation()) + " of " + g.id()));
            outbox.add(List.of(done));
            return new Answering(a.subject(), a.key(), a.members(), a.told(), true);
        }
        return a;
    }
}
