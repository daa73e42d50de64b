package haven.node;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.cib.NotifyRound;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.Operation;
import haven.core.ResourceId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * The notification rounds about this node's own actions on a promotable group whose agents want them. Before it
 * starts, stops, promotes or demotes its instance the node opens a round ({@link NotifyRound}) and acts once every
 * other instance has answered or been declared lost and its own instance was told here ({@link NotifyAnswers}), or
 * once the round's timeout has passed (then it closes the round without the nodes still awaited: a hung agent
 * elsewhere must not hold a failover). When the action is done on every promoted member, it opens the post round and
 * does not wait for it. A node without a valid lease opens no pre round
 * and does not wait: what it does then is stop, which must not wait for anyone. A post round waits for the lease to
 * come back, at most the timeout.
 *
 * <p>Known to repeat itself in one case: if this node's round opens, closes and is followed by another node's round
 * between two of its steps, it does not see its own and opens it again; the agents are told twice.
 */
final class NotifyGate {
    /** Beyond the notify calls' own timeouts: the answers' way through the log. */
    static final long MARGIN_MS = 2_000;

    private final NodeId self;
    private final Outbox outbox;
    /** The simulator's mutation: promotions skip their pre round, which its notification check must catch. */
    private final boolean promotesUnannounced;
    private final Map<GroupId, Acting> acting = new TreeMap<>();
    private long serial;

    private enum Stage { PRE, ACTING, POST }

    /** One action of this node: its stage, the key of the round it waits for, and what its rounds tell the agents. */
    private static final class Acting {
        final Operation op;
        final SortedSet<NodeId> active;
        final Optional<NodeId> primary;
        Stage stage = Stage.PRE;
        long key;
        long sinceMs;
        int proposals;

        Acting(Operation op, long key, long sinceMs, SortedSet<NodeId> active, Optional<NodeId> primary) {
            this.op = op;
            this.key = key;
            this.sinceMs = sinceMs;
            this.active = active;
            this.primary = primary;
        }
    }

    NotifyGate(NodeId self, Outbox outbox, boolean promotesUnannounced) {
        this.self = self;
        this.outbox = outbox;
        this.promotesUnannounced = promotesUnannounced;
    }

    /** Whether {@code op} may begin on the group's promoted members now; opens or waits for its pre round when not. */
    boolean ready(ClusterConfig config, GroupConfig g, ClusterState state, Operation op, boolean leaseValid, long nowMs,
            long nowEpochMs, BiPredicate<GroupId, Long> toldHere, Consumer<Effect> out) {
        GroupState committed = state.group(g.id());
        if (!g.notifies() || !leaseValid || (promotesUnannounced && op == Operation.PROMOTE)) return true;
        Acting a = acting.get(g.id());
        if (a != null && a.op == op && a.stage == Stage.ACTING) return true;
        if (a != null && a.stage == Stage.POST) return false; // the last action's post round opens first
        if (a == null || a.op != op) {
            a = new Acting(op, nextKey(nowEpochMs), nowMs, activeBefore(committed, op), primaryBefore(committed, op));
            acting.put(g.id(), a);
        }
        Optional<NotifyRound> round = committed.round();
        long key = a.key;
        boolean mine = round.map(r -> r.is(self, key)).orElse(false);
        if (mine && !round.get().open() && toldHere.test(g.id(), key)) {
            a.stage = Stage.ACTING;
            out.accept(new Effect.Note("notify: every instance of " + g.id() + " was told of this node's " + word(op) + " ("
                    + (nowMs - a.sinceMs) + " ms)"));
            return true;
        }
        if (nowMs - a.sinceMs > timeoutMs(config, g)) {
            // Acting without every answer beats waiting for ever; the round is closed so that the next can open.
            if (mine) outbox.add(List.of(new Command.NotifyClose(g.id(), self, a.key)));
            a.stage = Stage.ACTING;
            out.accept(new Effect.Note("notify: " + word(op) + " of " + g.id() + " goes ahead after " + (nowMs - a.sinceMs) + " ms without "
                    + (mine ? "the answers of " + round.get().awaiting() : "its round, which could not open (" + round + ")")));
            return true;
        }
        if (!mine && round.map(NotifyRound::open).orElse(false)) return false; // another node's round first
        if (!mine) propose(g, a, true, state.version(), nowMs, out);
        return false;
    }

    /** Whether {@code key} names a round of this node's own that it still acts on (its telling here is wanted). */
    boolean tracks(GroupId group, long key) {
        Acting a = acting.get(group);
        return a != null && a.key == key;
    }

    /** A member's {@code op} ended; {@code complete}: no promoted member is left to do it. */
    void acted(GroupId group, Operation op, boolean ok, boolean complete, long nowMs, long nowEpochMs) {
        Acting a = acting.get(group);
        if (a == null || a.op != op || a.stage != Stage.ACTING) return;
        if (!ok) {
            acting.remove(group); // a failed action is not announced as done; the recovery that follows is
        } else if (complete) {
            a.stage = Stage.POST;
            a.key = nextKey(nowEpochMs);
            a.sinceMs = nowMs;
            a.proposals = 0;
        }
    }

    /**
     * Opens the post rounds of finished actions; one that cannot open within the timeout (its node cut off, say) is
     * given up, and said so.
     */
    void step(ClusterConfig config, ClusterState state, long nowMs, BiPredicate<GroupId, Long> toldHere, Consumer<Effect> out) {
        acting.entrySet().removeIf(e -> {
            Acting a = e.getValue();
            if (a.stage != Stage.POST) return false;
            Optional<GroupConfig> g = config.group(e.getKey());
            if (g.isEmpty()) return true;
            Optional<NotifyRound> round = state.group(e.getKey()).round();
            // Opened, and its own instance told: nobody waits for the others' answers to a post round.
            if (round.map(r -> r.is(self, a.key)).orElse(false) && toldHere.test(e.getKey(), a.key)) return true;
            if (nowMs - a.sinceMs > timeoutMs(config, g.get())) {
                out.accept(new Effect.Note("notify: the instances of " + e.getKey() + " were not told that this node's " + word(a.op)
                        + " is done: its round could not open within " + (nowMs - a.sinceMs) + " ms"));
                return true;
            }
            boolean mine = round.map(r -> r.is(self, a.key)).orElse(false);
            if (!mine && !round.map(NotifyRound::open).orElse(false)) propose(g.get(), a, false, state.version(), nowMs, out);
            return false;
        });
    }

    private static String word(Operation op) {
        return op.name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Proposed again whenever the outbox is idle and the round is not in the state: a proposal skipped because another
     * round was open, or lost with its leader, is made again, and one committed but not yet seen is not (idle waits
     * for the state to pass it).
     */
    private void propose(GroupConfig g, Acting a, boolean pre, long stateVersion, long nowMs, Consumer<Effect> out) {
        Command.NotifyOpen open = new Command.NotifyOpen(g.id(), a.key, pre, a.op, self, a.active, a.primary);
        if (outbox.holds(open) || !outbox.idle(nowMs, stateVersion)) return;
        if (a.proposals++ == 0) out.accept(new Effect.Note("notify: opening the " + NotifyRound.action(pre, a.op) + " round of " + g.id()));
        outbox.add(List.of(open));
    }

    /** Unique across this node's restarts (the wall clock moves on) and within a millisecond (the serial). */
    private long nextKey(long nowEpochMs) {
        return nowEpochMs * 1_000 + (serial++ % 1_000);
    }

    /** The instances before the action: a starting one is not yet among them, a stopping one still is. */
    private SortedSet<NodeId> activeBefore(GroupState g, Operation op) {
        TreeSet<NodeId> active = new TreeSet<>(g.instances());
        if (op == Operation.START) active.remove(self);
        if (op == Operation.STOP) active.add(self);
        return active;
    }

    private Optional<NodeId> primaryBefore(GroupState g, Operation op) {
        return switch (op) {
            case DEMOTE -> Optional.of(self);
            case PROMOTE -> Optional.empty();
            default -> g.started() ? g.assigned() : Optional.empty();
        };
    }

    /** Every member's notify call may take its start timeout on every node, one member after another. */
    static long timeoutMs(ClusterConfig config, GroupConfig g) {
        long calls = 0;
        for (ResourceId r : g.replicaMembers()) {
            calls += config.resource(r).map(rc -> rc.startTimeout().toMillis()).orElse(0L);
        }
        return calls + MARGIN_MS;
    }
}
