package haven.cib;

import haven.core.NodeId;
import java.util.List;
import java.util.TreeSet;

/** How the commands of notification rounds change a group's state; deterministic, as everything applied is. */
final class NotifyRounds {
    private NotifyRounds() {}

    /**
     * A round opens only when the last one has closed: one action's notifications at a time per group. It awaits the
     * instances but not its subject, which tells its own instance without a word in the log.
     */
    static GroupState open(GroupState g, Command.NotifyOpen o) {
        if (g.round().map(NotifyRound::open).orElse(false)) return g;
        TreeSet<NodeId> awaiting = new TreeSet<>(g.instances());
        awaiting.remove(o.subject());
        return g.withRound(new NotifyRound(o.key(), o.pre(), o.operation(), o.subject(), awaiting, o.active(), o.primary()));
    }

    static GroupState answered(GroupState g, NodeId subject, long key, NodeId node) {
        return g.round().filter(r -> r.is(subject, key)).map(r -> g.withRound(r.without(List.of(node)))).orElse(g);
    }

    /** A node declared lost answers no round. */
    static GroupState answered(GroupState g, NodeId lost) {
        return g.round().filter(r -> r.awaiting().contains(lost)).map(r -> g.withRound(r.without(List.of(lost)))).orElse(g);
    }

    static GroupState closed(GroupState g, NodeId subject, long key) {
        return g.round().filter(r -> r.is(subject, key)).map(r -> g.withRound(r.closed())).orElse(g);
    }
}
