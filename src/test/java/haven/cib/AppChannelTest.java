package haven.cib;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The applications' messages and barriers as the replicated state machine applies them. */
class AppChannelTest {
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final NodeId C = NodeId.of("c");
    static final long T0 = 1_700_000_000_000L;

    static Command.Send send(NodeId from, String value, long ticket) {
        return new Command.Send(from, Optional.empty(), "m", value, T0, ticket);
    }

    static Command.BarrierArrive arrive(String barrier, String who, List<String> expected, long ticket) {
        return new Command.BarrierArrive(barrier, who, expected.size(), expected, 5_000, A, T0, ticket);
    }

    static Command.BarrierArrive arriveCounted(String barrier, String who, int expected, long ticket, long at) {
        return new Command.BarrierArrive(barrier, who, expected, List.of(), 5_000, B, at, ticket);
    }

    static ClusterState apply(ClusterState s, Command... entry) {
        for (Command c : entry) s = s.apply(List.of(c));
        return s;
    }

    @Test
    void messagesAreNumberedInLogOrderTheSameOnEveryReplica() {
        List<Command> log = new ArrayList<>();
        Random rnd = new Random(7);
        for (int i = 0; i < 40; i++) log.add(send(rnd.nextBoolean() ? A : B, "v" + i, i + 1));
        ClusterState one = ClusterState.EMPTY;
        ClusterState two = ClusterState.EMPTY;
        for (Command c : log) one = one.apply(List.of(c));
        for (int i = 0; i < log.size(); i += 3) two = two.apply(log.subList(i, Math.min(log.size(), i + 3)));
        assertThat(one.app().messages()).isEqualTo(two.app().messages());
        assertThat(one.app().messages()).extracting(AppMessage::seq).containsExactlyElementsOf(
                java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList());
        assertThat(one.app().messages()).extracting(AppMessage::value).startsWith("v0", "v1", "v2");
    }

    @Test
    void onlyTheNewestMessagesAreKeptAndSeqGoesOn() {
        ClusterState s = ClusterState.EMPTY;
        int n = AppChannel.MESSAGES_KEPT + 10;
        for (int i = 1; i <= n; i++) s = apply(s, send(A, "v" + i, i));
        AppChannel app = s.app();
        assertThat(app.messages()).hasSize(AppChannel.MESSAGES_KEPT);
        assertThat(app.lastSeq()).isEqualTo(n);
        assertThat(app.oldestSeq()).isEqualTo(11);
        assertThat(app.after(n - 2, A)).extracting(AppMessage::value).containsExactly("v" + (n - 1), "v" + n);
    }

    @Test
    void aResentMessageAndAnInvalidOneAreNotDeliveredAgain() {
        ClusterState s = apply(ClusterState.EMPTY, send(A, "x", 5), send(A, "x", 5), send(B, "y", 5),
                new Command.Send(A, Optional.empty(), "9bad", "z", T0, 6),
                new Command.Send(A, Optional.empty(), "big", "x".repeat(AppChannel.VALUE_MAX_BYTES + 1), T0, 7));
        assertThat(s.app().messages()).extracting(AppMessage::value).containsExactly("x", "y");
        assertThat(AppChannel.problem(new Command.Send(A, Optional.empty(), "big", "é".repeat(600), T0, 1)))
                .hasValueSatisfying(p -> assertThat(p).contains("1200 bytes; at most 1024"));
    }

    @Test
    void aMessageToOneNodeIsReadOnlyThereButTakesItsPlaceInTheOrder() {
        ClusterState s = apply(ClusterState.EMPTY, send(A, "all", 1), new Command.Send(A, Optional.of(B), "m", "to-b", T0, 2),
                send(C, "all-again", 3));
        assertThat(s.app().after(0, C)).extracting(AppMessage::seq).containsExactly(1L, 3L);
        assertThat(s.app().after(0, B)).extracting(AppMessage::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aBarrierCompletesWithTheLastExpectedArrivalAndIsNoLongerOpen() {
        List<String> abc = List.of("a", "b", "c");
        ClusterState s = apply(ClusterState.EMPTY, arrive("go", "a", abc, 1), arrive("go", "c", abc, 3));
        assertThat(s.app().open().get("go").missing()).containsExactly("b");
        assertThat(s.app().outcome(1)).isEmpty();
        s = apply(s, arrive("go", "b", abc, 2));
        assertThat(s.app().open()).isEmpty();
        for (long ticket : List.of(1L, 2L, 3L)) {
            assertThat(s.app().outcome(ticket)).hasValueSatisfying(o -> {
                assertThat(o.result()).isEqualTo(BarrierOutcome.Result.COMPLETED);
                assertThat(o.round()).isEqualTo(1);
                assertThat(o.arrived().keySet()).containsExactly("a", "b", "c");
            });
        }
        // The same name again is a new round.
        s = apply(s, arrive("go", "a", abc, 4));
        assertThat(s.app().waiting(4)).hasValueSatisfying(b -> assertThat(b.round()).isEqualTo(2));
    }

    @Test
    void aTimeoutEndsTheRoundNamingWhoIsMissingButNotARoundThatCompletedFirst() {
        List<String> abc = List.of("a", "b", "c");
        ClusterState s = apply(ClusterState.EMPTY, arrive("go", "a", abc, 1), arrive("go", "b", abc, 2),
                new Command.BarrierTimeout("go", 1, "a", A, T0 + 5_000));
        BarrierOutcome o = s.app().outcome(2).orElseThrow();
        assertThat(o.result()).isEqualTo(BarrierOutcome.Result.TIMED_OUT);
        assertThat(o.missing()).containsExactly("c");
        assertThat(o.detail()).contains("timeout of a (on a)");
        assertThat(s.app().open()).isEmpty();

        ClusterState done = apply(ClusterState.EMPTY, arriveCounted("n", "x", 2, 10, T0), arriveCounted("n", "y", 2, 11, T0),
                new Command.BarrierTimeout("n", 1, "x", A, T0 + 5_000));
        assertThat(done.app().outcome(10).orElseThrow().result()).isEqualTo(BarrierOutcome.Result.COMPLETED);
        assertThat(done.app().outcomes()).hasSize(1);
        // A timeout for an older round of a name in use again ends nothing.
        ClusterState again = apply(done, arriveCounted("n", "x", 2, 12, T0), new Command.BarrierTimeout("n", 1, "x", A, T0));
        assertThat(again.app().waiting(12)).isPresent();
    }

    @Test
    void aSecondArrivalOfOneParticipantAndADifferentExpectationAreRefusedWithTheReason() {
        ClusterState s = apply(ClusterState.EMPTY, arriveCounted("go", "x", 3, 1, T0), arriveCounted("go", "x", 3, 2, T0),
                arriveCounted("go", "y", 2, 3, T0), arrive("go", "z", List.of("z"), 4));
        assertThat(s.app().outcome(2).orElseThrow().detail()).contains("participant x already waits at barrier go");
        assertThat(s.app().outcome(3).orElseThrow().detail()).contains("open expecting 3 participants; this call expected 2");
        assertThat(s.app().outcome(4).orElseThrow().result()).isEqualTo(BarrierOutcome.Result.REFUSED);
        assertThat(s.app().open().get("go").arrived().keySet()).containsExactly("x");
        assertThat(s.app().outcome(1)).isEmpty();
        assertThat(AppChannel.problem(arrive("go", "q", List.of("a", "b"), 5)))
                .hasValueSatisfying(p -> assertThat(p).contains("q is not among the expected [a, b]"));
    }

    @Test
    void aBarrierNobodyCanTimeOutExpiresWithTheNextCommandWellPastItsDeadline() {
        ClusterState s = apply(ClusterState.EMPTY, arriveCounted("orphan", "x", 2, 1, T0));
        long deadline = T0 + 5_000;
        s = apply(s, new Command.Send(A, Optional.empty(), "m", "soon", deadline + AppChannel.STALE_AFTER_MS, 2));
        assertThat(s.app().open()).containsKey("orphan");
        s = apply(s, new Command.Send(A, Optional.empty(), "m", "later", deadline + AppChannel.STALE_AFTER_MS + 1, 3));
        assertThat(s.app().open()).isEmpty();
        assertThat(s.app().outcome(1).orElseThrow().detail()).startsWith("expired");
    }

    @Test
    void openBarriersAndOutcomesAreBounded() {
        ClusterState s = ClusterState.EMPTY;
        for (int i = 0; i < AppChannel.OPEN_BARRIERS_MAX; i++) s = apply(s, arriveCounted("b" + i, "x", 2, i + 1, T0));
        s = apply(s, arriveCounted("one-too-many", "x", 2, 1000, T0));
        assertThat(s.app().open()).hasSize(AppChannel.OPEN_BARRIERS_MAX);
        assertThat(s.app().outcome(1000).orElseThrow().detail()).contains("already 64 barriers are open");
        for (int i = 0; i < AppChannel.OUTCOMES_KEPT + 5; i++) s = apply(s, arriveCounted("solo" + i, "x", 1, 2000 + i, T0));
        assertThat(s.app().outcomes()).hasSize(AppChannel.OUTCOMES_KEPT);
        assertThat(s.app().outcome(2000)).isEmpty();
        assertThat(s.app().outcome(2000 + AppChannel.OUTCOMES_KEPT + 4)).isPresent();
    }
}
