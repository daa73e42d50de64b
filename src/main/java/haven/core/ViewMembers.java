package haven.core;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * This node's membership view as the daemon last heard it, for built-in agents that ask their peers before a
 * promotion. Only members are asked: a node outside the view runs nothing (it holds no lease), and one powered off
 * would hold the promotion for the whole limit of the ask. Outside a daemon (no view heard yet) every peer is asked.
 */
public final class ViewMembers {
    private volatile Optional<Set<String>> names = Optional.empty();

    public void update(Collection<NodeId> members) {
        names = Optional.of(members.stream().map(NodeId::name).collect(Collectors.toUnmodifiableSet()));
    }

    /** Whether {@code peer} is to be asked now. */
    public boolean asks(String peer) {
        return names.map(n -> n.contains(peer)).orElse(true);
    }
}
