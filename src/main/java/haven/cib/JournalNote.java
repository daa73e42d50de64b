package haven.cib;

import haven.core.NodeId;
import java.util.List;

/**
 * A cluster-level event that is no change to the cluster state (a membership view, quorum as the
 * coordinator saw it, a coordinator elected), carried in the log only so that every node's timeline holds
 * it in the same place. {@code type} is one of {@link haven.core.EventTypes#ALL}; {@code nodes} are the
 * nodes it is about, for filtering.
 */
public record JournalNote(long atEpochMs, String type, String text, List<NodeId> nodes) {
    public JournalNote {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        text = text == null ? "" : text;
    }
}
