package haven.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;

import haven.core.AgentResult;
import haven.core.NodeId;
import haven.core.Operation;
import haven.core.ResourceId;
import haven.node.Effect;
import haven.node.NodeEvent;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TickPaceTest {
    private static final long MARGIN = 100;
    private static final NodeEvent BEAT = new NodeEvent.Beat(NodeId.of("n2"), "v1", List.of(NodeId.of("n1"), NodeId.of("n2")), 3, 0);
    private static final ResourceId VIP = ResourceId.of("vip");

    private static TickPace settled(long nowMs, long deadlineMs) {
        TickPace p = new TickPace(MARGIN);
        p.stepped(List.of(new NodeEvent.Tick()), List.of(new Effect.GuardDeadline(deadlineMs)), nowMs - TickPace.STAY_HOT_MS);
        return p;
    }

    @Test
    void hotUntilTheCoreGaveAGuardDeadline() {
        TickPace p = new TickPace(MARGIN);
        p.stepped(List.of(new NodeEvent.Tick()), List.of(), 0);
        assertEquals(TickPace.HOT_MS, p.interval(10_000));
    }

    @Test
    void calmWhileOnlyBeatsTicksAndHealthyMonitorsCome() {
        TickPace p = settled(10_000, 10_400);
        p.stepped(List.of(BEAT, new NodeEvent.Tick(),
                new NodeEvent.OpDone(VIP, Operation.MONITOR, 7, new AgentResult(AgentResult.Status.OK, ""))),
                List.of(new Effect.RunOp(VIP, Operation.MONITOR, Duration.ofSeconds(5), 8), new Effect.GuardDeadline(10_420)), 10_000);
        assertEquals(TickPace.CALM_MS, p.interval(10_000));
    }

    @Test
    void neverCalmPastAMarginBeforeTheGuardDeadline() {
        TickPace p = settled(10_000, 10_150);
        assertEquals(50, p.interval(10_000), "wakes when the lease comes within the margin of the deadline");
        assertEquals(TickPace.HOT_MS, p.interval(10_050));
        assertEquals(TickPace.HOT_MS, p.interval(10_400), "a deadline that passed (lease lost) keeps it hot");
    }

    @Test
    void anythingElseMakesItHotForAWhile() {
        List<NodeEvent> moving = List.of(new NodeEvent.ViewChanged("v2", List.of(NodeId.of("n1")), 0),
                new NodeEvent.OpDone(VIP, Operation.MONITOR, 7, new AgentResult(AgentResult.Status.NOT_RUNNING, "gone")),
                new NodeEvent.AgentFailed(VIP, "exited"), new NodeEvent.LeaderChanged(java.util.Optional.empty(), false));
        for (NodeEvent e : moving) {
            TickPace p = settled(10_000, 10_400);
            p.stepped(List.of(e), List.of(), 10_000);
            assertEquals(TickPace.HOT_MS, p.interval(10_000), e.toString());
            assertEquals(TickPace.HOT_MS, p.interval(10_000 + TickPace.STAY_HOT_MS - 1), e.toString());
        }
        TickPace p = settled(10_000, 10_400);
        p.stepped(List.of(new NodeEvent.Tick()), List.of(new Effect.RunOp(VIP, Operation.START, Duration.ofSeconds(5), 9)), 10_000);
        assertEquals(TickPace.HOT_MS, p.interval(10_100), "a start under way");
    }
}
