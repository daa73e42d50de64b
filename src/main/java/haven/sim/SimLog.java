package haven.sim;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.cib.GroupState;
import haven.core.NodeId;
import haven.node.Effect;
import haven.node.NodeEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The simulated cluster log: Raft elections among the members of a view, a leader that commits in one total
 * order while its voters make a majority, lagging followers that learn late, and the two_node voter list.
 */
final class SimLog {
    private final SimCluster c;
    private ClusterState committed = ClusterState.EMPTY;
    private final Map<NodeId, Long> leaderElectionSeen = new TreeMap<>();
    private final Map<NodeId, Optional<NodeId>> leaderSeen = new TreeMap<>();
    /** The leader each node was last told of, which may lag the real one (leaderSeen). */
    private final Map<NodeId, Optional<NodeId>> believedLeader = new TreeMap<>();
    /** Nodes whose log holds every committed entry: only they can win a Raft election. */
    private final Set<NodeId> upToDate = new TreeSet<>();
    /**
     * The cluster log's voters as each node believes them: every configured node, except that a two_node
     * survivor that fenced its peer votes alone until it adds the peer back (membership.jgroups.PairVoters).
     */
    private final Map<NodeId, Set<NodeId>> votersOf = new TreeMap<>();
    /** two_node survivors that fenced their peer and have not heard it since: they add no voter back. */
    private final Set<NodeId> alone = new TreeSet<>();

    SimLog(SimCluster c) {
        this.c = c;
        for (NodeId n : c.config.nodeIds()) {
            upToDate.add(n);
            votersOf.put(n, new TreeSet<>(c.config.nodeIds()));
            leaderSeen.put(n, Optional.empty());
        }
    }

    ClusterState committed() {
        return committed;
    }

    /** A daemon that boots takes its voters from the config again (a shrunken list is not persisted). */
    void restarted(NodeId n) {
        votersOf.put(n, new TreeSet<>(c.config.nodeIds()));
        alone.remove(n);
        c.checks.topologyChanged();
    }

    Set<NodeId> voters(NodeId n) {
        return votersOf.get(n);
    }

    void noteBelieved(NodeId n, Optional<NodeId> leader) {
        believedLeader.put(n, leader);
    }

    /** A Raft election among {@code members}: a node whose log is complete wins if its voters are there. */
    void elect(List<NodeId> members, long election) {
        List<NodeId> candidates = members.stream().filter(x -> votersOf.get(x).contains(x) && hasVoterMajority(x, members)).toList();
        Optional<NodeId> leader = candidates.stream().filter(upToDate::contains).findFirst().or(() -> candidates.stream().findFirst());
        for (NodeId n : members) {
            // A node back from away hears of the new leader late too (a merge view comes first, Raft after).
            deliverLeader(n, new NodeEvent.LeaderChanged(leader, leader.equals(Optional.of(n))),
                    upToDate.contains(n) ? 2 + c.random.nextInt(20) : 100 + c.random.nextInt(500), election);
            leaderSeen.put(n, leader);
            // A node that missed commits (it was away) learns them later than the others: Raft's
            // catch-up of a lagging follower took up to half a second in the lab.
            if (leader.isPresent()) c.deliver(n, new NodeEvent.StateChanged(committed), upToDate.contains(n) ? 3 : 100 + c.random.nextInt(500));
        }
        leader.ifPresent(l -> addBackVoters(l, members));
    }

    private boolean hasVoterMajority(NodeId candidate, List<NodeId> members) {
        Set<NodeId> voters = votersOf.get(candidate);
        return members.stream().filter(voters::contains).count() >= voters.size() / 2 + 1;
    }

    /** A leader with fewer voters than configured adds back a configured node it sees, by a committed entry. */
    private void addBackVoters(NodeId leader, List<NodeId> members) {
        if (alone.contains(leader)) return; // its quorum is still itself alone (membership.jgroups.PairVoters)
        for (NodeId m : members) {
            if (votersOf.get(leader).contains(m)) continue;
            c.clock.at(100, () -> {
                if (alone.contains(leader) || !c.host(leader).up(c.now()) || !leaderSeen.get(leader).equals(Optional.of(leader)) || !c.host(m).alive
                        || !c.net.reaches(leader, m) || votersOf.get(leader).contains(m)) return;
                votersOf.get(leader).add(m);
                c.trace(" VOTERS " + leader + " adds " + m + " back: " + votersOf.get(leader));
                c.probe(SimProbe.PAIR_PEER_BACK);
                for (NodeId v : votersOf.get(leader)) votersOf.put(v, new TreeSet<>(votersOf.get(leader)));
                c.checks.topologyChanged();
            });
            return;
        }
    }

    /** The two_node survivor fenced its peer: it becomes the log's only voter and is elected at once. */
    void continueAlone(NodeId n) {
        votersOf.put(n, new TreeSet<>(Set.of(n)));
        alone.add(n);
        c.checks.topologyChanged();
        c.clock.at(20, () -> {
            for (List<NodeId> members : c.net.currentParts()) {
                if (members.contains(n)) elect(members, c.net.nextElection());
            }
        });
    }

    /** The survivor hears its peer again: as the daemon's PairVoters retries, it adds the peer back while it leads. */
    void peerRejoined(NodeId n) {
        alone.remove(n);
        for (List<NodeId> members : c.net.currentParts()) {
            if (members.contains(n) && leaderSeen.get(n).equals(Optional.of(n))) addBackVoters(n, members);
        }
    }

    /**
     * Leader notices are ordered by the election that made them (a Raft term): one from an older view that
     * arrives after a newer one is dropped, as jgroups-raft ignores a lower term. Without this, two nodes
     * could end up each believing the other leads, for good (seed 4710 once the fault mix changed).
     */
    private void deliverLeader(NodeId n, NodeEvent.LeaderChanged notice, long delayMs, long election) {
        c.clock.at(delayMs, () -> {
            if (election < leaderElectionSeen.getOrDefault(n, 0L)) return;
            leaderElectionSeen.put(n, election);
            c.deliver(n, notice, 0);
        });
    }

    void propose(NodeId n, Effect.Propose p) {
        if (believedLeader.getOrDefault(n, Optional.empty()).equals(Optional.of(n)) && !leaderSeen.get(n).equals(Optional.of(n))) {
            if (c.mutation == Mutation.STALE_LEADER_ACCEPTED) {
                // The broken rule: the old term's entries count, with no majority of the new one behind them.
                c.clock.at(2 + c.random.nextInt(5), () -> commit(n, n, p));
                return;
            }
            // A node that still believes it leads appends under its old term, which the others refuse (Raft);
            // only a node that knows it follows forwards its proposal to the leader.
            c.deliver(n, new NodeEvent.ProposalDone(p.proposalId(), false, "stale leader: a newer term exists"), 50);
            return;
        }
        Optional<NodeId> leader = leaderSeen.get(n);
        boolean reachable = leader.isPresent() && c.host(leader.get()).alive && c.net.reaches(n, leader.get()) && leaderHasQuorum(leader.get());
        if (!reachable) {
            c.deliver(n, new NodeEvent.ProposalDone(p.proposalId(), false, "no leader"), 50);
            return;
        }
        c.clock.at(2 + c.random.nextInt(5), () -> {
            if (!c.host(leader.get()).alive || !leaderHasQuorum(leader.get())) {
                c.deliver(n, new NodeEvent.ProposalDone(p.proposalId(), false, "lost leadership"), 10);
                return;
            }
            commit(n, leader.get(), p);
        });
    }

    private void commit(NodeId n, NodeId leader, Effect.Propose p) {
        committed = committed.apply(c.mutation.ignoresMayBeActive() ? withoutMayBeActiveCheck(p.entry()) : p.entry());
        upToDate.clear();
        for (NodeId m : c.config.nodeIds()) {
            if (c.host(m).up(c.now()) && c.net.reaches(leader, m)) upToDate.add(m);
        }
        c.trace(" COMMIT by " + n + " v" + committed.version() + " " + p.entry());
        if (p.entry().stream().anyMatch(x -> x instanceof haven.cib.Command.NodeLost)) c.probe(SimProbe.NODE_LOST_MOVED);
        ClusterState snapshot = committed;
        for (NodeId m : c.config.nodeIds()) {
            if (c.host(m).up(c.now()) && c.net.reaches(leader, m)) {
                c.deliver(m, new NodeEvent.StateChanged(snapshot), 1 + c.random.nextInt(3));
            }
        }
        c.deliver(n, new NodeEvent.ProposalDone(p.proposalId(), true, ""), 5);
    }

    /**
     * The mutation check's "may still be active" rule broken in the log too: the cluster state's own
     * compare-and-set refuses an assignment while another node may run the group, so this forges that
     * node's release in front of it.
     */
    private List<Command> withoutMayBeActiveCheck(List<Command> entry) {
        List<Command> out = new java.util.ArrayList<>();
        ClusterState scratch = committed;
        for (Command cmd : entry) {
            List<Command> step = new java.util.ArrayList<>();
            if (cmd instanceof Command.Assign a && a.node().isPresent()) {
                GroupState g = scratch.group(a.group());
                for (NodeId m : g.mayBeActive()) {
                    if (!m.equals(a.node().get())) step.add(new Command.Released(a.group(), m, g.generation()));
                }
            }
            step.add(cmd);
            out.addAll(step);
            scratch = scratch.apply(step);
        }
        return out;
    }

    private boolean leaderHasQuorum(NodeId leader) {
        Set<NodeId> voters = votersOf.get(leader);
        long count = voters.stream().filter(m -> c.host(m).up(c.now()) && c.net.reaches(leader, m) && c.net.reaches(m, leader)).count();
        return count >= voters.size() / 2 + 1;
    }
}
