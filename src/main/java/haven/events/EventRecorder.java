package haven.events;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.WallClock;
import haven.core.AgentResult;
import haven.core.Operation;
import haven.node.NodeStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeMap;

/**
 * This node's event stream: it diffs each status snapshot the event loop publishes against the one before,
 * stamps the changes into the ring, and adds the results of agent operations as they finish. Also keeps
 * the counters /metrics reports (failovers, operations).
 *
 * <p>The stream is this daemon run's own: its id ({@link #stream}) names the node and the start time, so a
 * client that comes back to a restarted daemon, or to another node, is told its place is lost instead of
 * being resumed at a number that now means something else.
 *
 * <p>Thread safety: {@link #observe} runs on the event loop, {@link #operationDone} on agent threads;
 * both are synchronized and cheap (a diff of two snapshots is a few comparisons when nothing changed).
 */
public final class EventRecorder {
    public static final int RING_CAPACITY = 4096;

    private final String stream;
    private final EventRing ring;
    private final WallClock clock;
    private final OperationStats operations = new OperationStats();
    private final TreeMap<GroupId, NodeId> lastHolder = new TreeMap<>();
    private NodeStatus previous;
    private long failovers;

    public EventRecorder(NodeId self, WallClock clock, int capacity) {
        this.clock = clock;
        this.stream = self.name() + "-" + Long.toString(clock.epochMs(), 36);
        this.ring = new EventRing(capacity);
    }

    public String stream() {
        return stream;
    }

    public EventRing ring() {
        return ring;
    }

    public OperationStats operations() {
        return operations;
    }

    public synchronized long failovers() {
        return failovers;
    }

    public synchronized void observe(NodeStatus next) {
        if (previous == null) {
            ring.append(List.of(Change.of("daemon-started", "daemon of " + next.self() + " started; stream " + stream,
                    "node", next.self().name(), "stream", stream)), clock.epochMs());
        } else if (previous != next) {
            List<Change> changes = StatusDiff.between(previous, next);
            changes.forEach(this::countFailover);
            ring.append(changes, clock.epochMs());
        }
        previous = next;
    }

    /**
     * A group placed on a node other than the last one it was placed on counts as a failover (or a move:
     * both take the service away from where it ran). Its first placement does not.
     */
    private void countFailover(Change c) {
        if (!c.type().equals("placement") || c.fields().get("node") == null) return;
        GroupId g = GroupId.of((String) c.fields().get("group"));
        NodeId to = NodeId.of((String) c.fields().get("node"));
        NodeId before = lastHolder.put(g, to);
        if (before != null && !before.equals(to)) failovers++;
    }

    /**
     * Records one finished agent operation. Starts and stops are events; monitors only when they find the
     * resource not running as expected, since a healthy monitor every few seconds would flood the ring.
     */
    /** A replica joined or left the in-sync set of a primary here (told on the replication link's thread). */
    public synchronized void inSyncChanged(haven.core.InSyncChange c) {
        String set = c.inSync().isEmpty() ? "no replica in sync: a failover now loses what is written from here on"
                : "in sync: " + String.join(", ", c.inSync());
        ring.append(List.of(Change.of("replication", "replicated " + c.resource() + ": " + c.peer() + (c.joined() ? " joined" : " left")
                        + " the in-sync set (" + set + "; sync epoch " + c.epoch() + ")",
                "resource", c.resource(), "peer", c.peer(), "change", c.joined() ? "joined" : "left", "in_sync", c.inSync(),
                "epoch", c.epoch())), clock.epochMs());
    }

    public synchronized void operationDone(ResourceId resource, Operation op, AgentResult result, long durationMs) {
        operations.record(resource, op, result.status(), durationMs);
        if (op == Operation.MONITOR && result.isOk()) return;
        String opName = op.name().toLowerCase(Locale.ROOT);
        String status = result.status().name().toLowerCase(Locale.ROOT);
        String detail = Optional.ofNullable(result.detail()).orElse("");
        ring.append(List.of(Change.of("operation", opName + " " + resource + ": " + status + " in " + durationMs + " ms"
                        + (detail.isBlank() ? "" : " (" + detail.strip() + ")"),
                "resource", resource.name(), "op", opName, "result", status, "duration_ms", durationMs, "detail", detail)),
                clock.epochMs());
    }
}
