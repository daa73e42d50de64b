package haven.cib;

import haven.core.Names;
import haven.core.NodeId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The cluster services for applications, as replicated state: messages in one cluster-wide order and named
 * barriers. The order is the cluster log's: a message's seq is given when its entry is applied, so every
 * node numbers every message alike. Everything here is bounded (the state is copied into every snapshot):
 * the newest {@link #MESSAGES_KEPT} messages, {@link #OPEN_BARRIERS_MAX} open barriers and the newest
 * {@link #OUTCOMES_KEPT} barrier outcomes; older ones drop out in log order, the same on every node.
 */
public record AppChannel(long lastSeq, List<AppMessage> messages, long lastRound, SortedMap<String, Barrier> open,
        List<BarrierOutcome> outcomes) {

    public static final int MESSAGES_KEPT = 256;
    public static final int VALUE_MAX_BYTES = 1024;
    public static final int OPEN_BARRIERS_MAX = 64;
    public static final int OUTCOMES_KEPT = 64;
    public static final int PARTICIPANTS_MAX = 64;
    public static final long TIMEOUT_MAX_MS = 600_000;
    /**
     * How long past its deadline an open barrier may stay before any application command expires it. Its
     * waiters commit the timeout themselves at the deadline; this is for the case where none of them can
     * (their nodes stopped), and is long enough that nodes' clocks a little apart do not matter.
     */
    public static final long STALE_AFTER_MS = 30_000;

    public static final AppChannel EMPTY = new AppChannel(0, List.of(), 0, new TreeMap<>(), List.of());

    public AppChannel {
        messages = messages == null ? List.of() : List.copyOf(messages);
        open = Collections.unmodifiableSortedMap(open == null ? new TreeMap<>() : new TreeMap<>(open));
        outcomes = outcomes == null ? List.of() : List.copyOf(outcomes);
    }

    /** What is wrong with this command, in words for the caller; empty if it may be proposed. */
    public static Optional<String> problem(Command.AppCommand c) {
        return Optional.ofNullable(switch (c) {
            case Command.Send s -> !Names.isValid(s.name())
                    ? "message name '" + s.name() + "' is not valid: use a letter, then letters, digits, '_', '.' or '-' (at most 63)"
                    : s.value().getBytes(StandardCharsets.UTF_8).length > VALUE_MAX_BYTES
                    ? "message value is " + s.value().getBytes(StandardCharsets.UTF_8).length + " bytes; at most "
                            + VALUE_MAX_BYTES + " fit (send a reference, e.g. a path or key, for more)"
                    : null;
            case Command.BarrierArrive a -> arrivalProblem(a);
            case Command.BarrierTimeout t -> null;
        });
    }

    private static String arrivalProblem(Command.BarrierArrive a) {
        if (!Names.isValid(a.barrier())) {
            return "barrier name '" + a.barrier() + "' is not valid: use a letter, then letters, digits, '_', '.' or '-' (at most 63)";
        }
        if (!Names.isValid(a.participant())) {
            return "participant '" + a.participant() + "' is not valid: use a letter, then letters, digits, '_', '.' or '-' (at most 63)";
        }
        for (String p : a.expectedParticipants()) {
            if (!Names.isValid(p)) return "expected participant '" + p + "' is not a valid name";
        }
        if (!a.expectedParticipants().isEmpty() && a.expectedParticipants().size() != a.expectedCount()) {
            return "expected lists " + a.expectedParticipants().size() + " participants but counts " + a.expectedCount();
        }
        if (a.expectedParticipants().stream().distinct().count() != a.expectedParticipants().size()) {
            return "expected participants " + a.expectedParticipants() + " name someone twice";
        }
        if (a.expectedCount() < 1 || a.expectedCount() > PARTICIPANTS_MAX) {
            return "expected " + a.expectedCount() + " participants; a barrier takes 1 to " + PARTICIPANTS_MAX;
        }
        if (!a.expectedParticipants().isEmpty() && !a.expectedParticipants().contains(a.participant())) {
            return "participant " + a.participant() + " is not among the expected " + a.expectedParticipants();
        }
        if (a.timeoutMs() < 1 || a.timeoutMs() > TIMEOUT_MAX_MS) {
            return "timeout " + a.timeoutMs() + " ms is out of range: 1 ms to " + TIMEOUT_MAX_MS / 60_000 + " min";
        }
        return null;
    }

    /** Applies one command: deterministic, so every node gets the same channel from the same log. */
    AppChannel with(Command.AppCommand c) {
        AppChannel s = expireStale(c.atEpochMs());
        return switch (c) {
            case Command.Send m -> s.send(m);
            case Command.BarrierArrive a -> s.arrive(a);
            case Command.BarrierTimeout t -> s.timeout(t);
        };
    }

    private AppChannel send(Command.Send m) {
        boolean resent = messages.stream().anyMatch(x -> x.ticket() == m.ticket() && x.from().equals(m.from()));
        if (resent || problem(m).isPresent()) return this;
        List<AppMessage> next = new ArrayList<>(messages);
        next.add(new AppMessage(lastSeq + 1, m.from(), m.to(), m.name(), m.value(), m.atEpochMs(), m.ticket()));
        while (next.size() > MESSAGES_KEPT) next.remove(0);
        return new AppChannel(lastSeq + 1, next, lastRound, open, outcomes);
    }

    private AppChannel arrive(Command.BarrierArrive a) {
        Optional<String> bad = problem(a);
        if (bad.isPresent()) return withOutcome(BarrierOutcome.refused(a, bad.get()));
        Barrier b = open.get(a.barrier());
        long round = lastRound;
        if (b == null) {
            if (open.size() >= OPEN_BARRIERS_MAX) {
                return withOutcome(BarrierOutcome.refused(a, "already " + OPEN_BARRIERS_MAX + " barriers are open ("
                        + String.join(", ", open.keySet()) + "); wait for some to finish"));
            }
            round = lastRound + 1;
            b = Barrier.first(round, a);
        } else {
            String why = b.refusal(a);
            if (why != null) return withOutcome(BarrierOutcome.refused(a, why));
            b = b.plus(a);
        }
        TreeMap<String, Barrier> nextOpen = new TreeMap<>(open);
        if (b.complete()) {
            nextOpen.remove(b.name());
            return new AppChannel(lastSeq, messages, round, nextOpen, outcomes)
                    .withOutcome(BarrierOutcome.ended(b, BarrierOutcome.Result.COMPLETED, a.atEpochMs(),
                            "all " + b.arrived().size() + " arrived; " + a.participant() + " (on " + a.node() + ") last"));
        }
        nextOpen.put(b.name(), b);
        return new AppChannel(lastSeq, messages, round, nextOpen, outcomes);
    }

    private AppChannel timeout(Command.BarrierTimeout t) {
        Barrier b = open.get(t.barrier());
        if (b == null || b.round() != t.round()) return this; // it finished first: the log decided
        return ended(b, t.atEpochMs(), "timed out: the timeout of " + t.participant() + " (on " + t.by() + ") ran out");
    }

    private AppChannel expireStale(long nowEpochMs) {
        AppChannel s = this;
        for (Barrier b : open.values()) {
            if (b.deadlineEpochMs() + STALE_AFTER_MS < nowEpochMs) {
                s = s.ended(b, nowEpochMs, "expired: open " + STALE_AFTER_MS / 1000 + " s past its deadline, and no"
                        + " waiter committed the timeout (their nodes may have stopped)");
            }
        }
        return s;
    }

    private AppChannel ended(Barrier b, long atEpochMs, String detail) {
        TreeMap<String, Barrier> nextOpen = new TreeMap<>(open);
        nextOpen.remove(b.name());
        return new AppChannel(lastSeq, messages, lastRound, nextOpen, outcomes)
                .withOutcome(BarrierOutcome.ended(b, BarrierOutcome.Result.TIMED_OUT, atEpochMs, detail));
    }

    private AppChannel withOutcome(BarrierOutcome o) {
        List<BarrierOutcome> next = new ArrayList<>(outcomes);
        next.add(o);
        while (next.size() > OUTCOMES_KEPT) next.remove(0);
        return new AppChannel(lastSeq, messages, lastRound, open, next);
    }

    /** The seq of the oldest message still held (lastSeq + 1 when none is). */
    public long oldestSeq() {
        return messages.isEmpty() ? lastSeq + 1 : messages.get(0).seq();
    }

    /** The messages after {@code seq} that a reader on {@code reader} receives, oldest first. */
    public List<AppMessage> after(long seq, NodeId reader) {
        return messages.stream().filter(m -> m.seq() > seq && m.deliveredTo(reader)).toList();
    }

    public Optional<AppMessage> message(NodeId from, long ticket) {
        return messages.stream().filter(m -> m.ticket() == ticket && m.from().equals(from)).findFirst();
    }

    /** How the call with this ticket ended, if it has. */
    public Optional<BarrierOutcome> outcome(long ticket) {
        return outcomes.stream().filter(o -> o.holds(ticket)).findFirst();
    }

    /** The open barrier where the call with this ticket waits, if it does. */
    public Optional<Barrier> waiting(long ticket) {
        return open.values().stream().filter(b -> b.arrived().containsValue(ticket)).findFirst();
    }
}
