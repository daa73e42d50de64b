package haven.node;

import haven.cib.Command;
import haven.cib.JournalNote;
import haven.core.NodeId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cluster-level events the coordinator puts in the log for the timeline (they change no state): that it
 * became coordinator, the membership views it holds, and its quorum coming back. Only changes, never
 * heartbeats, so the log grows by a few bytes per view change. Notes are made only while this node leads
 * with its lease: a note without a majority could not commit. A view that changed while it could not note
 * is noted against the last one it did note, once it can; a quorum it lost is noted, with the time it was
 * lost, when it holds one again.
 */
final class CoordinatorNotes {
    private final NodeId self;
    private final List<NodeId> configured;
    private List<NodeId> noted = null;
    private boolean leading = false;
    private boolean quorate = false;
    private long quorumLostAtEpochMs = -1;

    CoordinatorNotes(NodeId self, List<NodeId> configured) {
        this.self = self;
        this.configured = List.copyOf(configured);
    }

    Optional<Command.Journal> step(boolean isLeader, boolean leaseValid, List<NodeId> members, long nowEpochMs) {
        if (quorate && !leaseValid) quorumLostAtEpochMs = nowEpochMs;
        if (!isLeader) {
            leading = false;
            noted = null;
        }
        if (!isLeader || !leaseValid) {
            quorate = leaseValid;
            return Optional.empty();
        }
        List<JournalNote> notes = new ArrayList<>();
        if (!leading) {
            notes.add(new JournalNote(nowEpochMs, "coordinator", self + " is coordinator", List.of(self)));
            leading = true;
        }
        if (!quorate && quorumLostAtEpochMs >= 0) {
            notes.add(new JournalNote(nowEpochMs, "quorum", "quorum held again by " + members + " (the coordinator lost it at "
                    + Instant.ofEpochMilli(quorumLostAtEpochMs) + ")", List.of(self)));
            quorumLostAtEpochMs = -1;
        }
        quorate = true;
        if (!members.equals(noted)) {
            notes.add(membership(members, nowEpochMs));
            noted = List.copyOf(members);
        }
        return notes.isEmpty() ? Optional.empty() : Optional.of(new Command.Journal(self, nowEpochMs, notes));
    }

    private JournalNote membership(List<NodeId> members, long nowEpochMs) {
        List<NodeId> joined = new ArrayList<>();
        List<NodeId> left = new ArrayList<>();
        String text;
        if (noted == null) {
            for (NodeId n : configured) if (!members.contains(n)) left.add(n);
            text = "members " + members + (left.isEmpty() ? "" : "; absent " + left);
        } else {
            for (NodeId n : members) if (!noted.contains(n)) joined.add(n);
            for (NodeId n : noted) if (!members.contains(n)) left.add(n);
            text = (joined.isEmpty() ? "" : joined + " joined; ") + (left.isEmpty() ? "" : left + " left; ") + "members " + members;
        }
        List<NodeId> about = new ArrayList<>(joined);
        about.addAll(left);
        return new JournalNote(nowEpochMs, "membership", text, about);
    }
}
