package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.AgentResult;
import haven.core.NodeId;
import haven.core.Operation;
import haven.core.ResourceId;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class SteppingTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final ResourceId VIP = ResourceId.of("vip");
    final Stepping stepping = new Stepping();
    long now = 10_000;

    NodeEvent beat() {
        return new NodeEvent.Beat(N2, "v1", List.of(N1, N2), 1, now, OptionalLong.empty());
    }

    long quietStep(List<NodeEvent> in, List<Effect> out) {
        return stepping.stepped(in, out, now + 1_000, now);
    }

    @Test
    void aNodeHoldingItsLeaseWithNothingMovingStepsEveryQuietTickAndLeavesBeatsQueued() {
        assertThat(stepping.wakes(beat())).as("before the first step: busy").isTrue();
        assertThat(quietStep(List.of(beat(), new NodeEvent.Tick()), List.of(new Effect.GuardDeadline(now + 600)))).isEqualTo(now + Stepping.QUIET_TICK_MS);
        assertThat(stepping.quiet()).isTrue();
        assertThat(stepping.wakes(beat())).isFalse();
        assertThat(stepping.wakes(new NodeEvent.ViewChanged("v2", List.of(N1), now))).as("anything but a beat wakes it").isTrue();
    }

    @Test
    void whatMovesKeepsTheLoopBusyForTwoSeconds() {
        quietStep(List.of(new NodeEvent.Tick()), List.of());
        assertThat(quietStep(List.of(new NodeEvent.ViewChanged("v2", List.of(N1, N2), now)), List.of())).isEqualTo(now + Stepping.BUSY_TICK_MS);
        assertThat(stepping.wakes(beat())).as("busy: every beat counts at once").isTrue();
        now += Stepping.BUSY_FOR_MS - 1;
        assertThat(quietStep(List.of(beat()), List.of())).isEqualTo(now + Stepping.BUSY_TICK_MS);
        now += 1;
        assertThat(quietStep(List.of(beat()), List.of())).isEqualTo(now + Stepping.QUIET_TICK_MS);
    }

    @Test
    void aPassingMonitorIsNotMovementButAStartIs() {
        RecordOps ops = new RecordOps();
        assertThat(quietStep(List.of(ops.done(Operation.MONITOR)), List.of(ops.run(Operation.MONITOR)))).isEqualTo(now + Stepping.QUIET_TICK_MS);
        assertThat(quietStep(List.of(new NodeEvent.Tick()), List.of(ops.run(Operation.START)))).isEqualTo(now + Stepping.BUSY_TICK_MS);
        now += Stepping.BUSY_FOR_MS;
        assertThat(quietStep(List.of(ops.done(Operation.START)), List.of())).as("the start's answer").isEqualTo(now + Stepping.BUSY_TICK_MS);
        now += Stepping.BUSY_FOR_MS;
        assertThat(quietStep(List.of(new NodeEvent.Tick()), List.of(new Effect.Note("anything said is movement")))).isEqualTo(now + Stepping.BUSY_TICK_MS);
    }

    @Test
    void whileQuietAPassingMonitorWaitsForTheNextStepAndAFailedOneWakesTheLoop() {
        RecordOps ops = new RecordOps();
        quietStep(List.of(new NodeEvent.Tick()), List.of(ops.run(Operation.MONITOR)));
        assertThat(stepping.wakes(ops.done(Operation.MONITOR))).isFalse();
        NodeEvent failed = new NodeEvent.OpDone(VIP, Operation.MONITOR, ops.id, AgentResult.notRunning());
        assertThat(stepping.wakes(failed)).isTrue();
        assertThat(quietStep(List.of(failed), List.of())).as("a failed monitor is movement").isEqualTo(now + Stepping.BUSY_TICK_MS);
    }

    @Test
    void theCoresNextDecisionBoundsTheQuietSleepAndNoLeaseMeansBusy() {
        assertThat(stepping.stepped(List.of(), List.of(), now + 30, now)).as("the lease's give-up point in 30 ms").isEqualTo(now + 30);
        assertThat(stepping.stepped(List.of(), List.of(), now - 5, now)).as("a decision due but not taken: no spinning")
                .isEqualTo(now + Stepping.BUSY_TICK_MS);
        assertThat(stepping.stepped(List.of(), List.of(), Long.MIN_VALUE, now)).isEqualTo(now + Stepping.BUSY_TICK_MS);
        assertThat(stepping.quiet()).as("no lease held").isFalse();
        assertThat(stepping.wakes(beat())).isTrue();
    }

    /** Operations and their answers on the one resource, with ids that match. */
    static final class RecordOps {
        long id = 0;

        Effect run(Operation op) {
            return new Effect.RunOp(VIP, op, Duration.ofSeconds(20), ++id);
        }

        NodeEvent done(Operation op) {
            return new NodeEvent.OpDone(VIP, op, id, AgentResult.ok());
        }
    }
}
