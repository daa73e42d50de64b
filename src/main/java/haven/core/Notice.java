package haven.core;

import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a notify call tells a promotable resource's agent: {@code subject}'s instance is about to ({@code pre}) or did
 * ({@code post}) {@code operation} (start, stop, promote, demote); {@code active} are the nodes that ran an instance
 * and {@code primary} the one that held the primary role before that action; {@code nodes}, every node that may run
 * one, in the config's order (which numbers the instances).
 */
public record Notice(boolean pre, Operation operation, NodeId subject, SortedSet<NodeId> active, Optional<NodeId> primary,
        List<NodeId> nodes) {
    public Notice {
        active = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(active));
        nodes = List.copyOf(nodes);
        if (operation != Operation.START && operation != Operation.STOP && operation != Operation.PROMOTE && operation != Operation.DEMOTE) {
            throw new IllegalArgumentException("notifications are about start, stop, promote and demote, not " + operation);
        }
    }
}
