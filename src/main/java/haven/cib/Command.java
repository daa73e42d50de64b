package haven.cib;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Optional;

/**
 * A change to the cluster state. Commands reach every node in one total order (the cluster log) and are
 * applied by {@link ClusterState#apply}, which is deterministic: the same commands give the same state on
 * every node. Times inside commands are the proposer's wall clock, carried as data.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Command.Assign.class, name = "assign"),
    @JsonSubTypes.Type(value = Command.Released.class, name = "released"),
    @JsonSubTypes.Type(value = Command.SetInstances.class, name = "instances"),
    @JsonSubTypes.Type(value = Command.SetClones.class, name = "clones"),
    @JsonSubTypes.Type(value = Command.InstanceStarted.class, name = "instance-started"),
    @JsonSubTypes.Type(value = Command.InstanceReleased.class, name = "instance-released"),
    @JsonSubTypes.Type(value = Command.PromotionScore.class, name = "promotion-score"),
    @JsonSubTypes.Type(value = Command.NotifyOpen.class, name = "notify-open"),
    @JsonSubTypes.Type(value = Command.NotifyDone.class, name = "notify-done"),
    @JsonSubTypes.Type(value = Command.NotifyClose.class, name = "notify-close"),
    @JsonSubTypes.Type(value = Command.Started.class, name = "started"),
    @JsonSubTypes.Type(value = Command.NodeLost.class, name = "node-lost"),
    @JsonSubTypes.Type(value = Command.ResourceFailed.class, name = "resource-failed"),
    @JsonSubTypes.Type(value = Command.SetStandby.class, name = "standby"),
    @JsonSubTypes.Type(value = Command.Move.class, name = "move"),
    @JsonSubTypes.Type(value = Command.SetDisabled.class, name = "disable"),
    @JsonSubTypes.Type(value = Command.SetManaged.class, name = "manage"),
    @JsonSubTypes.Type(value = Command.Restart.class, name = "restart"),
    @JsonSubTypes.Type(value = Command.SetNodeMaintenance.class, name = "node-maintenance"),
    @JsonSubTypes.Type(value = Command.Cleanup.class, name = "cleanup"),
    @JsonSubTypes.Type(value = Command.Connectivity.class, name = "connectivity"),
    @JsonSubTypes.Type(value = Command.Fenced.class, name = "fenced"),
    @JsonSubTypes.Type(value = Command.SetConfig.class, name = "config"),
    @JsonSubTypes.Type(value = Command.FoundActive.class, name = "found-active"),
    @JsonSubTypes.Type(value = Command.Journal.class, name = "journal"),
    @JsonSubTypes.Type(value = Command.SetMaintenance.class, name = "maintenance"),
    @JsonSubTypes.Type(value = Command.Send.class, name = "app-send"),
    @JsonSubTypes.Type(value = Command.BarrierArrive.class, name = "barrier-arrive"),
    @JsonSubTypes.Type(value = Command.BarrierTimeout.class, name = "barrier-timeout"),
})
public sealed interface Command {

    /** The coordinator places a group on a node (a new generation), or takes it off every node (empty). */
    record Assign(GroupId group, Optional<NodeId> node, String reason) implements Command {}

    /**
     * The nodes that run a promotable group's replicas (its primary's node among them); the others stop theirs.
     * Safe in any order: the primary role is placed by {@link Assign} alone.
     */
    record SetInstances(GroupId group, java.util.SortedSet<NodeId> nodes) implements Command {
        public SetInstances {
            nodes = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(nodes));
        }
    }

    /**
     * The nodes that run a clone's instances: a new node may start one at once (no other node's instance has to stop
     * first: a clone runs on several at once by design); a node left out stops its instance and says so.
     */
    record SetClones(GroupId group, java.util.SortedSet<NodeId> nodes) implements Command {
        public SetClones {
            nodes = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(nodes));
        }
    }

    /** A node reports that every resource of its instance of a clone runs. */
    record InstanceStarted(GroupId group, NodeId node) implements Command {}

    /** A node reports that its instance of a clone, which it no longer runs, has stopped. */
    record InstanceReleased(GroupId group, NodeId node) implements Command {}

    /**
     * The promotion score the agent of a promotable group's instance on {@code node} set (empty: it deleted it):
     * the higher, the better a candidate for the primary role; a negative one is no candidate.
     */
    record PromotionScore(GroupId group, NodeId node, Optional<Long> score) implements Command {}

    /**
     * {@code subject} opens a notification round about its own action ({@link NotifyRound}); skipped while the group's
     * last round is still open. Every other node with an instance is awaited; the subject tells its own instance.
     */
    record NotifyOpen(GroupId group, long key, boolean pre, haven.core.Operation operation, NodeId subject,
            java.util.SortedSet<NodeId> active, Optional<NodeId> primary) implements Command {
        public NotifyOpen {
            active = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(active));
        }
    }

    /** {@code node} ran its notify calls for {@code subject}'s round {@code key} (or runs no instance to notify). */
    record NotifyDone(GroupId group, NodeId subject, long key, NodeId node) implements Command {}

    /** The round's subject waited the notify timeout: the round closes without the nodes still awaited. */
    record NotifyClose(GroupId group, NodeId subject, long key) implements Command {}

    /**
     * A node reports that it has stopped every resource of a group it no longer holds (of a promotable group: that
     * it no longer holds the primary role).
     */
    record Released(GroupId group, NodeId node, long generation) implements Command {}

    /** A node reports that every resource of a group is running there. */
    record Started(GroupId group, NodeId node, long generation) implements Command {}

    /** The coordinator declares a node gone: out of the view, and its lease has provably expired. */
    record NodeLost(NodeId node) implements Command {}

    record ResourceFailed(ResourceId resource, NodeId node, long atEpochMs, String detail, FailureScope scope) implements Command {
        public ResourceFailed {
            if (scope == null) scope = FailureScope.LOCAL; // entries written before scopes existed
        }

        public ResourceFailed(ResourceId resource, NodeId node, long atEpochMs, String detail) {
            this(resource, node, atEpochMs, detail, FailureScope.LOCAL);
        }
    }

    record SetStandby(NodeId node, boolean standby) implements Command {}

    /**
     * Administrative move of a group to a node, for good or until {@code untilEpochMs} (the proposer's clock; the
     * coordinator clears it then); an empty node clears an earlier move: any, or, with {@code untilEpochMs}, only
     * the one that ends then (the coordinator's expiry must not clear a newer move made meanwhile).
     */
    record Move(GroupId group, Optional<NodeId> node, Optional<Long> untilEpochMs) implements Command {
        public Move {
            if (untilEpochMs == null) untilEpochMs = Optional.empty(); // entries written before lifetimes existed
        }

        public Move(GroupId group, Optional<NodeId> node) {
            this(group, node, Optional.empty());
        }
    }

    /** Keep a group stopped everywhere ({@code disabled}), or let it run again. */
    record SetDisabled(GroupId group, boolean disabled) implements Command {}

    /** Let haven act on a group again ({@code managed}), or only monitor it: start, stop, recover and move nothing. */
    record SetManaged(GroupId group, boolean managed) implements Command {}

    /**
     * Restart a group: stopped everywhere (what starts after it stopping first), then started on {@code backOn}
     * again; the coordinator's empty one, in the entry that starts it again, ends the restart.
     */
    record Restart(GroupId group, Optional<NodeId> backOn) implements Command {}

    /** One node's maintenance: its resources are left alone as in cluster-wide maintenance; the others work on. */
    record SetNodeMaintenance(NodeId node, boolean on) implements Command {}

    /** Forget the failures of a resource (on one node, or everywhere). */
    record Cleanup(ResourceId resource, Optional<NodeId> node) implements Command {}

    /** How many of the configured ping nodes {@code node} reaches now (it reports each change). */
    record Connectivity(NodeId node, int reachable) implements Command {}

    /** The outcome of fencing {@code node}, done by {@code by}; {@code ok} means confirmed off. */
    record Fenced(NodeId node, NodeId by, long atEpochMs, boolean ok, String summary) implements Command {}

    /**
     * Replace the cluster config with {@code text} (already validated by the node that took the request),
     * only if the committed config is still at {@code baseVersion}; see {@link ClusterState#apply}.
     */
    record SetConfig(long baseVersion, String text, String sha256) implements Command {}

    /**
     * {@code node} found the group active although it is assigned elsewhere (generation {@code generation}),
     * and the policy says stop every instance: the group is unassigned and {@code node} joins the nodes that
     * may run it, so it starts again only once both instances are confirmed stopped.
     */
    record FoundActive(GroupId group, NodeId node, long generation) implements Command {}

    /**
     * Who proposed the entry that holds it and when (its wall clock), with the cluster-level events it saw
     * that change no state; changes nothing itself. The timeline takes its times from here.
     */
    record Journal(NodeId by, long atEpochMs, List<JournalNote> notes) implements Command {
        public Journal {
            notes = notes == null ? List.of() : List.copyOf(notes);
        }

        /** {@code entry} with a stamp in front, unless it has one: how the edge dates every entry it proposes. */
        public static List<Command> stamped(List<Command> entry, NodeId by, long atEpochMs) {
            if (entry.stream().anyMatch(c -> c instanceof Journal)) return entry;
            List<Command> out = new java.util.ArrayList<>(entry.size() + 1);
            out.add(new Journal(by, atEpochMs, List.of()));
            out.addAll(entry);
            return out;
        }
    }

    /** Cluster-wide maintenance mode on or off (see {@link Maintenance}). */
    record SetMaintenance(boolean on, String reason, long atEpochMs) implements Command {}

    /** The cluster services for applications ({@link AppChannel}); each carries its proposer's wall clock. */
    sealed interface AppCommand extends Command {
        long atEpochMs();
    }

    /** An application message from {@code from} to every node, or to one ({@code to}). */
    record Send(NodeId from, Optional<NodeId> to, String name, String value, long atEpochMs, long ticket) implements AppCommand {}

    /**
     * A participant reaches a barrier through the API of {@code node}. Expected participants are named
     * ({@code expectedParticipants}, then {@code expectedCount} is their number) or only counted.
     */
    record BarrierArrive(String barrier, String participant, int expectedCount, java.util.List<String> expectedParticipants,
            long timeoutMs, NodeId node, long atEpochMs, long ticket) implements AppCommand {
        public BarrierArrive {
            expectedParticipants = java.util.List.copyOf(expectedParticipants);
        }
    }

    /** A waiter's timeout ran out: ends round {@code round} of the barrier as timed out, unless it ended first. */
    record BarrierTimeout(String barrier, long round, String participant, NodeId by, long atEpochMs) implements AppCommand {}
}
