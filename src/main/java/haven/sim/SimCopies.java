package haven.sim;

import haven.config.GroupConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The data of each promotable group's promoted members, one copy per node, kept as the built-in replicated types
 * keep theirs (replicated-dir's DataState and applied record, PostgreSQL's timeline and LSN): the primary writes all
 * the time, and a replica that has run and reached it (both ways) for {@link #CATCH_UP_MS} applies its writes; a
 * promotion opens a new epoch. A copy is on disk, so a crash or a daemon's death keeps it, and a replica's process
 * replicates whatever its daemon does.
 *
 * <p>What "behind" means is the agents' own rule ({@code replication.PeerStates}): a copy of an older epoch, or a
 * replica of the same epoch that applied less of the same primary's stream. A primary's own writes beyond what its
 * replicas applied count for nothing: after a cut they are the deposed primary's, which the real types keep aside.
 */
final class SimCopies {
    /** How often a primary writes: often enough that a replica cut off for one step of the faults falls behind. */
    static final long WRITE_EVERY_MS = 100;
    /**
     * How long a replica must run and reach its primary before it applies the primary's writes again: a connection
     * and a catch-up. A replica restarted or reconnected just before its primary is lost is left behind.
     */
    static final long CATCH_UP_MS = 500;

    /** One node's copy: the epoch it belongs to, how many writes of that epoch it holds, whether it is the epoch's primary. */
    record Copy(long epoch, long applied, boolean primary) {
        boolean aheadOf(Copy other) {
            if (epoch != other.epoch) return epoch > other.epoch;
            return !primary && !other.primary && applied > other.applied;
        }

        @Override
        public String toString() {
            return "epoch " + epoch + (primary ? " primary" : "") + ", " + applied + " writes";
        }
    }

    private final SimCluster c;
    private final Map<ResourceId, Map<NodeId, Copy>> copies = new TreeMap<>();
    /** Copies whose promotion was refused for a more current one: they rank lower until they follow a primary again. */
    private final Map<ResourceId, java.util.Set<NodeId>> deferring = new TreeMap<>();
    /** Since when each replica has run and reached the primary it now follows, by primary (absent: it does not). */
    private final Map<ResourceId, Map<NodeId, Following>> following = new TreeMap<>();
    private record Following(NodeId primary, long sinceMs) {}
    /**
     * The primary each replica connected to last, with the daemon incarnation that knows it, for the mutation
     * {@link Mutation#PROMOTION_QUERY_SKIPS_FOLLOWED}: the real types kept it in the daemon's memory.
     */
    private final Map<ResourceId, Map<NodeId, Followed>> followed = new TreeMap<>();
    private record Followed(NodeId primary, int incarnation) {}
    private long lastEpoch;

    SimCopies(SimCluster c) {
        this.c = c;
        for (GroupConfig g : c.config.groups()) {
            if (!g.isPromotable()) continue;
            for (ResourceId r : g.replicaMembers()) {
                Map<NodeId, Copy> byNode = new TreeMap<>();
                for (NodeId n : c.config.nodeIds()) byNode.put(n, new Copy(0, 0, false));
                copies.put(r, byNode);
                deferring.put(r, new java.util.TreeSet<>());
                following.put(r, new TreeMap<>());
                followed.put(r, new TreeMap<>());
            }
        }
        if (!copies.isEmpty()) scheduleWrites();
    }

    boolean replicated(ResourceId r) {
        return copies.containsKey(r);
    }

    Copy of(NodeId n, ResourceId r) {
        return copies.get(r).get(n);
    }

    /**
     * The promotion score the instance's agent sets, as {@code DataState.score} does: the epoch ranks first, a primary
     * above a replica, and a deferring replica below one that is not.
     */
    long score(NodeId n, ResourceId r) {
        Copy copy = of(n, r);
        return copy.epoch * 10 + (copy.primary ? 2 : 1) - (deferring.get(r).contains(n) ? 1 : 0);
    }

    /** A running replica that {@code n} reaches (both ways) and whose copy is ahead of {@code n}'s: what the check looks for. */
    Optional<NodeId> moreCurrentThan(NodeId n, ResourceId r) {
        return moreCurrentThan(n, r, m -> true);
    }

    /**
     * The same among the nodes whose daemon is not paused: only those could take the role instead. A paused daemon's
     * node falls out of the view while its replica process still runs (seed 1313: promoted past it, rightly).
     */
    Optional<NodeId> moreCurrentThanAwake(NodeId n, ResourceId r) {
        return moreCurrentThan(n, r, m -> !c.host(m).paused(c.now()));
    }

    /**
     * What the agent's pre-promotion query finds: the same among the members of {@code n}'s view only, as the real
     * queries ask ({@code PeerStates}, {@code PgPeers}): a node outside the view runs nothing, and one powered off
     * would hold every promotion for the whole limit of the ask.
     */
    Optional<NodeId> queryMoreCurrentThan(NodeId n, ResourceId r) {
        if (c.mutation == Mutation.PROMOTION_QUERY_SKIPS_FOLLOWED) {
            Followed f = followed.get(r).get(n);
            boolean known = f != null && f.incarnation() == c.host(n).incarnation;
            return moreCurrentThan(n, r, m -> !known || !m.equals(f.primary()));
        }
        java.util.List<NodeId> view = c.net.viewMembers.getOrDefault(n, java.util.List.of());
        return moreCurrentThan(n, r, view::contains);
    }

    private Optional<NodeId> moreCurrentThan(NodeId n, ResourceId r, java.util.function.Predicate<NodeId> asked) {
        Copy mine = of(n, r);
        for (NodeId m : c.config.nodeIds()) {
            if (m.equals(n) || !asked.test(m) || !c.host(m).running.contains(r) || c.host(m).promoted.contains(r)) continue;
            if (!c.net.reaches(n, m) || !c.net.reaches(m, n)) continue;
            if (of(m, r).aheadOf(mine)) return Optional.of(m);
        }
        return Optional.empty();
    }

    /** A new process of the instance: it connects to its primary and catches up afresh. */
    void started(NodeId n, ResourceId r) {
        following.get(r).remove(n);
        followed.get(r).remove(n);
    }

    /** The promotion was refused for a more current copy: this one ranks lower until it follows a primary. */
    void defer(NodeId n, ResourceId r) {
        deferring.get(r).add(n);
    }

    /** {@code n} takes the primary role: its copy opens a new epoch with what it holds. */
    void promoted(NodeId n, ResourceId r) {
        deferring.get(r).remove(n);
        copies.get(r).put(n, new Copy(++lastEpoch, of(n, r).applied, true));
    }

    private void scheduleWrites() {
        c.clock.at(WRITE_EVERY_MS, () -> {
            copies.keySet().forEach(this::write);
            scheduleWrites();
        });
    }

    /**
     * Every primary of {@code r} writes once, and each replica that has followed it for {@link #CATCH_UP_MS} applies
     * everything it wrote (so takes its epoch); a replica that stops running or reaching it starts over.
     */
    private void write(ResourceId r) {
        Map<NodeId, Following> follows = following.get(r);
        java.util.Set<NodeId> followers = new java.util.TreeSet<>();
        for (NodeId p : c.config.nodeIds()) {
            if (!c.host(p).running.contains(r) || !c.host(p).promoted.contains(r)) continue;
            Copy primary = of(p, r);
            Copy written = new Copy(primary.epoch, primary.applied + 1, true);
            copies.get(r).put(p, written);
            for (NodeId m : c.config.nodeIds()) {
                if (m.equals(p) || !c.host(m).running.contains(r) || c.host(m).promoted.contains(r)) continue;
                if (!c.net.reaches(p, m) || !c.net.reaches(m, p)) continue;
                followers.add(m);
                Following f = follows.get(m);
                if (f == null || !f.primary.equals(p)) {
                    follows.put(m, f = new Following(p, c.now()));
                    followed.get(r).put(m, new Followed(p, c.host(m).incarnation));
                }
                if (c.now() - f.sinceMs < CATCH_UP_MS) continue;
                copies.get(r).put(m, new Copy(written.epoch, written.applied, false));
                deferring.get(r).remove(m);
            }
        }
        follows.keySet().retainAll(followers);
    }
}
