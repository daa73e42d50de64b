package haven.timeline;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.cib.JournalNote;
import haven.core.NodeId;
import haven.events.Change;
import haven.events.StatusDiff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timeline records of one committed log entry. Pure and deterministic: every node that applies the
 * entry to the same state gets the same records, so the timelines of all nodes agree line for line.
 * Commands are replayed one at a time, so each record says what that command changed; a command that
 * changed nothing (a stale plan, a repeated report) gives no record. The vocabulary is the event
 * stream's ({@link StatusDiff}), plus what only the commands show: a group running or stopped, a node lost.
 */
public final class TimelineRecords {
    private TimelineRecords() {}

    public static List<TimelineRecord> of(ClusterState before, List<Command> entry, ClusterState after) {
        Command.Journal stamp = entry.stream().filter(c -> c instanceof Command.Journal).map(c -> (Command.Journal) c)
                .findFirst().orElse(null);
        long at = stamp == null ? 0 : stamp.atEpochMs();
        String proposer = stamp == null ? "" : stamp.by().name();
        List<TimelineRecord> out = new ArrayList<>();
        ClusterState s = before;
        try {
            for (Command c : entry) {
                if (c instanceof Command.Journal j) {
                    // A note keeps its own time: a coordinator may note a view some steps before the entry goes out.
                    for (JournalNote n : j.notes()) {
                        Change ch = note(n);
                        out.add(new TimelineRecord(after.version(), out.size(), n.atEpochMs(), ch.type(), proposer, ch.fields(), ch.text()));
                    }
                    continue;
                }
                ClusterState next = s.with(c);
                for (Change ch : changes(c, s, next)) {
                    out.add(new TimelineRecord(after.version(), out.size(), at, ch.type(), proposer, ch.fields(), ch.text()));
                }
                s = next;
            }
        } catch (AssertionError skipped) {
            return List.of(); // the entry was skipped on every node (ReplicatedState), so it left no mark
        }
        return out;
    }

    private static List<Change> changes(Command c, ClusterState s, ClusterState next) {
        List<Change> out = new ArrayList<>();
        switch (c) {
            case Command.Started st when !s.group(st.group()).started() && next.group(st.group()).started() -> out.add(change("group", "group " + st.group() + " running on " + st.node()
                    + " (generation " + st.generation() + ")", "group", st.group().name(), "node", st.node().name(), "state", "started",
                    "generation", st.generation()));
            case Command.Released r when s.group(r.group()).mayBeActive().contains(r.node())
                    && !next.group(r.group()).mayBeActive().contains(r.node()) -> out.add(change("group", "group " + r.group() + " stopped on " + r.node()
                    + " (generation " + r.generation() + ")", "group", r.group().name(), "node", r.node().name(), "state", "stopped",
                    "generation", r.generation()));
            case Command.InstanceStarted st when !s.group(st.group()).startedOn().contains(st.node())
                    && next.group(st.group()).startedOn().contains(st.node()) -> out.add(change("group", "clone " + st.group() + " running on "
                    + st.node(), "group", st.group().name(), "node", st.node().name(), "state", "started"));
            case Command.InstanceReleased r when s.group(r.group()).mayBeActive().contains(r.node())
                    && !next.group(r.group()).mayBeActive().contains(r.node()) -> out.add(change("group", "clone " + r.group() + " stopped on "
                    + r.node(), "group", r.group().name(), "node", r.node().name(), "state", "stopped"));
            case Command.SetClones k when !s.group(k.group()).instances().equals(k.nodes()) -> out.add(change("placement", "clone "
                    + k.group() + " instances on " + k.nodes() + ", were on " + s.group(k.group()).instances(), "group", k.group().name(),
                    "nodes", k.nodes().stream().map(NodeId::name).toList(), "previous",
                    s.group(k.group()).instances().stream().map(NodeId::name).toList()));
            case Command.NodeLost l when mentions(s, l.node()) -> out.add(change("node-lost", l.node() + " lost: out of the view and"
                    + " its lease has run out, so nothing of it runs; its groups may start elsewhere", "node", l.node().name()));
            default -> { }
        }
        for (Change ch : StatusDiff.stateChanges(s, next)) {
            if (c instanceof Command.Assign a && ch.type().equals("placement")) {
                out.add(new Change(ch.type(), with(ch.fields(), "reason", a.reason()), ch.text() + ": " + a.reason()));
            } else {
                out.add(ch);
            }
        }
        return out;
    }

    private static boolean mentions(ClusterState s, NodeId node) {
        for (GroupState g : s.groups().values()) {
            if (g.assigned().equals(java.util.Optional.of(node)) || g.mayBeActive().contains(node)) return true;
        }
        return false;
    }

    private static Change note(JournalNote n) {
        return change(n.type(), n.text(), "nodes", n.nodes().stream().map(NodeId::name).toList());
    }

    private static Map<String, Object> with(Map<String, Object> fields, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put(key, value);
        return m;
    }

    private static Change change(String type, String text, Object... keyValues) {
        Map<String, Object> f = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) f.put((String) keyValues[i], keyValues[i + 1]);
        return new Change(type, f, text);
    }
}
