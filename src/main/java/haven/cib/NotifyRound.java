package haven.cib;

import haven.core.NodeId;
import haven.core.Operation;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The last notification round of a promotable group whose agents want notifications ({@code promotable.notify}).
 * Before ({@code pre}) or after {@code subject} starts, stops, promotes or demotes its instance, every node that runs
 * an instance runs the agents' notify action and commits its answer (the subject tells its own instance without
 * one); {@code awaiting} are the other nodes that have not answered yet, and the round is closed when it is empty
 * (answers, nodes declared lost, instances taken off, or the subject giving up after the notify timeout). A group
 * has one round at a time: a new one opens only once the last is closed. {@code key} is the subject's own name for
 * the round (unique among its rounds, not across nodes), by which it knows its round was opened even when it closed
 * again before the subject looked. {@code active} and {@code primary}: the instances and the primary before the
 * action, which both rounds of an action tell the agents.
 */
public record NotifyRound(long key, boolean pre, Operation operation, NodeId subject, SortedSet<NodeId> awaiting,
        SortedSet<NodeId> active, Optional<NodeId> primary) {
    public NotifyRound {
        awaiting = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(awaiting));
        active = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(active));
    }

    /** Keys are the subject's own: another node may use the same number. */
    public boolean is(NodeId subject, long key) {
        return this.key == key && this.subject.equals(subject);
    }

    public boolean open() {
        return !awaiting.isEmpty();
    }

    /** A round's name as the agents' variables give it: {@code pre-promote}, {@code post-start}. */
    public static String action(boolean pre, Operation operation) {
        return (pre ? "pre-" : "post-") + operation.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** As status shows it: {@code pre-promote of n2, waiting for n1, n3}. */
    public String describe() {
        return action(pre, operation) + " of " + subject.name()
                + (open() ? ", waiting for " + String.join(", ", awaiting.stream().map(NodeId::name).toList()) : ", answered");
    }

    /** The same round no longer waiting for {@code nodes}. */
    NotifyRound without(java.util.Collection<NodeId> nodes) {
        TreeSet<NodeId> left = new TreeSet<>(awaiting);
        left.removeAll(nodes);
        return new NotifyRound(key, pre, operation, subject, left, active, primary);
    }

    NotifyRound closed() {
        return without(awaiting);
    }
}
