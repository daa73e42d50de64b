package haven.api;

import haven.cib.Command;
import haven.cib.JournalNote;
import haven.core.NodeId;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts who asked for a change into the entry that makes it: a {@code request} note in the entry's journal
 * stamp, so that every node's timeline shows, beside what changed, the local user or the token that asked
 * and through which node. A note, not a new field of a command, because entries already in logs and
 * snapshots decode as before and a node that does not know the note still decodes the entry.
 */
final class Requests {
    private Requests() {}

    static List<Command> stamped(NodeId self, String request, List<Command> commands) {
        return stamped(self, request, Caller.current().who(), System.currentTimeMillis(), commands);
    }

    static List<Command> stamped(NodeId self, String request, String who, long nowEpochMs, List<Command> commands) {
        List<Command> out = new ArrayList<>(commands.size() + 1);
        out.add(new Command.Journal(self, nowEpochMs, List.of(new JournalNote(nowEpochMs, "request", request + " by " + who,
                List.of(self)))));
        out.addAll(commands);
        return out;
    }
}
