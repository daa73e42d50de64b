package haven.cib;

import haven.core.NodeId;
import java.util.Optional;

/**
 * One application message as the cluster delivered it: {@code seq} is its place in the one cluster-wide
 * order (the same on every node), {@code to} empty means every node. {@code ticket} is the sender's
 * random tag: it lets the sending API find the seq its message got, and makes a resend of the same
 * message from the same node a no-op.
 */
public record AppMessage(long seq, NodeId from, Optional<NodeId> to, String name, String value, long atEpochMs, long ticket) {

    /** True if a reader on {@code node} receives it. */
    public boolean deliveredTo(NodeId node) {
        return to.isEmpty() || to.get().equals(node);
    }
}
