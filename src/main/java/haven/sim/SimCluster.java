package haven.sim;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.core.AgentResult;
import haven.node.Effect;
import haven.node.NodeCore;
import haven.node.NodeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A whole cluster of real {@link NodeCore}s in one thread on a simulated clock: simulated membership (views
 * after a detection delay), lease heartbeats, a simulated cluster log (a majority partition with a leader
 * commits in one total order), and simulated agents. Deterministic for a seed. Records every moment a
 * resource starts on a node while another still runs it.
 */
final class SimCluster {
    static final long DETECT_MS = 500;
    static final long BEAT_MS = 80;

    record Timed(long at, long seq, Runnable action) {}

    private final ClusterConfig config;
    private final NodeCore.SafetyRules rules;
    private final Random random;
    private final Map<NodeId, Long> leaderElectionSeen = new TreeMap<>();
    private int beatLossPercent = 0;
    private int beatDuplicatePercent = 0;
    private int beatJitterMs = 0;
    private final PriorityQueue<Timed> queue = new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private long seq = 0;
    long now = 0;
    final Map<NodeId, NodeCore> cores = new TreeMap<>();
    final Map<NodeId, Boolean> alive = new TreeMap<>();
    final Map<NodeId, Integer> partition = new TreeMap<>();
    final Map<NodeId, String> viewKey = new TreeMap<>();
    final Map<NodeId, List<NodeId>> viewMembers = new TreeMap<>();
    private final Map<NodeId, Integer> viewNumber = new TreeMap<>();
    final Map<NodeId, Set<ResourceId>> running = new TreeMap<>();
    final List<String> violations = new ArrayList<>();
    /** The readable history: faults, and every decision each node wrote to its log. */
    final List<String> trace = new ArrayList<>();
    private ClusterState committed = ClusterState.EMPTY;
    private final Map<NodeId, Optional<NodeId>> leaderSeen = new TreeMap<>();
    /** The leader each node was last told of, which may lag the real one (leaderSeen). */
    private final Map<NodeId, Optional<NodeId>> believedLeader = new TreeMap<>();
    private int viewCounter = 0;
    /** The guard process beside each daemon: what it would force off, and by when it must hear again. */
    private final Map<NodeId, Set<ResourceId>> guardArmed = new TreeMap<>();
    private final Map<NodeId, Long> guardDeadline = new TreeMap<>();
    /** Nodes whose agents fail every stop (a hung stop), until the node restarts. */
    private final Set<NodeId> stopsFail = new TreeSet<>();
    /** Nodes where even SIGKILL does not end a resource (a process stuck in the kernel), until restart. */
    private final Set<NodeId> forceOffFails = new TreeSet<>();
    /** Fencings done, for tests: "target by fencer". */
    final List<String> fenced = new ArrayList<>();
    /** Until when a node's daemon is frozen (SIGSTOP): it takes in nothing and sends nothing. */
    private final Map<NodeId, Long> pausedUntil = new TreeMap<>();
    /** Nodes whose log holds every committed entry: only they can win a Raft election. */
    private final Set<NodeId> upToDate = new TreeSet<>();
    /**
     * The cluster log's voters as each node believes them: every configured node, except that a two_node
     * survivor that fenced its peer votes alone until it adds the peer back (membership.jgroups.PairVoters).
     */
    private final Map<NodeId, Set<NodeId>> votersOf = new TreeMap<>();

    SimCluster(ClusterConfig config, long seed) {
        this(config, seed, NodeCore.SafetyRules.of(config));
    }

    /** With other safety rules than the config's: the mutation check. */
    SimCluster(ClusterConfig config, long seed, NodeCore.SafetyRules rules) {
        this.rules = rules;
        this.config = config;
        this.random = new Random(seed);
        for (NodeId n : config.nodeIds()) {
            upToDate.add(n);
            votersOf.put(n, new TreeSet<>(config.nodeIds()));
            cores.put(n, new NodeCore(config, n, rules));
            alive.put(n, true);
            partition.put(n, 0);
            running.put(n, new TreeSet<>());
            guardArmed.put(n, new TreeSet<>());
            leaderSeen.put(n, Optional.empty());
        }
        for (NodeId n : config.nodeIds()) {
            scheduleBeats(n);
            scheduleTicks(n);
        }
        at(100, this::membershipChanged);
    }

    void at(long delayMs, Runnable r) {
        queue.add(new Timed(now + delayMs, seq++, r));
    }

    void runUntil(long timeMs) {
        while (!queue.isEmpty() && queue.peek().at <= timeMs) {
            Timed t = queue.poll();
            now = t.at;
            t.action.run();
        }
        now = timeMs;
    }

    // --- faults -------------------------------------------------------------------------------------

    /** Power loss: the node and everything it ran vanish at once. */
    void crash(NodeId n) {
        trace.add(now + " FAULT crash " + n);
        alive.put(n, false);
        for (ResourceId r : new ArrayList<>(running.get(n))) {
            markStopped(n, r);
        }
        at(DETECT_MS, this::membershipChanged);
    }

    /**
     * The daemon alone dies (SIGKILL): what it ran keeps running until its guard, which sees the pipe close
     * at once, forces off what it was told of.
     */
    void killDaemon(NodeId n) {
        if (!alive.get(n)) return;
        trace.add(now + " FAULT kill-daemon " + n);
        alive.put(n, false);
        pausedUntil.remove(n);
        at(2, () -> {
            guardForcesOff(n, "daemon died");
            guardArmed.get(n).clear();
        });
        at(DETECT_MS, this::membershipChanged);
    }

    /** The daemon freezes for {@code ms} (SIGSTOP, then SIGCONT); its guard keeps watching the clock. */
    void pause(NodeId n, long ms) {
        if (!alive.get(n) || paused(n)) return;
        trace.add(now + " FAULT pause " + n + " for " + ms + " ms");
        pausedUntil.put(n, now + ms);
        at(DETECT_MS, this::membershipChanged);
        at(ms, () -> {
            trace.add(now + " resume " + n);
            at(DETECT_MS, this::membershipChanged);
        });
    }

    private boolean paused(NodeId n) {
        return pausedUntil.getOrDefault(n, Long.MIN_VALUE) > now;
    }

    private void guardForcesOff(NodeId n, String why) {
        Set<ResourceId> armed = guardArmed.get(n);
        if (armed.isEmpty()) return;
        trace.add(now + " GUARD of " + n + " forces off " + armed + " (" + why + ")");
        for (ResourceId r : armed) {
            markStopped(n, r);
        }
    }

    /**
     * The guard's deadline passed and no later one came: the lease is gone or the daemon is silent. Like the
     * real guard, it keeps what is armed: a living daemon goes on from there without arming again.
     */
    private void guardCheck(NodeId n, long deadline) {
        Long current = guardDeadline.get(n);
        if (current != null && current == deadline) guardForcesOff(n, "deadline " + deadline + " passed");
    }

    /** The node boots again with an empty memory (its cluster state comes back from the log). */
    void restart(NodeId n) {
        if (alive.get(n)) return;
        trace.add(now + " FAULT restart " + n);
        cores.put(n, new NodeCore(config, n, rules));
        alive.put(n, true);
        // A daemon that boots takes its voters from the config again (a shrunken list is not persisted).
        votersOf.put(n, new TreeSet<>(config.nodeIds()));
        stopsFail.remove(n);
        forceOffFails.remove(n);
        guardArmed.get(n).clear();
        guardDeadline.remove(n);
        viewKey.remove(n);
        viewNumber.remove(n);
        at(DETECT_MS, this::membershipChanged);
    }

    /** Someone starts {@code r} on {@code n} by hand, behind the cluster's back. */
    void startBehindTheClustersBack(NodeId n, ResourceId r) {
        trace.add(now + " FAULT " + r + " started by hand on " + n);
        startOn(n, r);
    }

    /** From now on every stop on {@code n} fails (until it restarts): a resource there may stay active. */
    void failStops(NodeId n) {
        trace.add(now + " FAULT stops fail on " + n);
        stopsFail.add(n);
    }

    /** Stops fail and forcing them off fails too: only fencing ends what runs on {@code n}. */
    void failStopsAndForce(NodeId n) {
        failStops(n);
        trace.add(now + " FAULT force-off fails on " + n);
        forceOffFails.add(n);
    }

    /** An administrator's command through node {@code via}'s API: proposed like any other entry. */
    void admin(NodeId via, haven.cib.Command command) {
        trace.add(now + " ADMIN via " + via + ": " + command);
        if (alive.get(via) && !paused(via)) propose(via, new Effect.Propose(-1, List.of(command)));
    }

    void isolate(NodeId n, int part) {
        trace.add(now + " FAULT isolate " + n + " into partition " + part);
        partition.put(n, part);
        at(DETECT_MS, this::membershipChanged);
    }

    /**
     * Heartbeats (unreliable, out-of-band multicasts in the real edge) are lost, duplicated and delayed by a
     * random extra time that reorders them, until {@link #heal}. The log stays reliable: JGroups retransmits.
     */
    void degradeNetwork(int lossPercent, int duplicatePercent, int jitterMs) {
        trace.add(now + " FAULT lossy network: " + lossPercent + "% of beats lost, " + duplicatePercent + "% duplicated, up to "
                + jitterMs + " ms of extra delay");
        beatLossPercent = lossPercent;
        beatDuplicatePercent = duplicatePercent;
        beatJitterMs = jitterMs;
    }

    void heal() {
        trace.add(now + " FAULT heal");
        partition.replaceAll((k, v) -> 0);
        beatLossPercent = 0;
        beatDuplicatePercent = 0;
        beatJitterMs = 0;
        at(DETECT_MS, this::membershipChanged);
    }

    void killService(NodeId n, ResourceId r) {
        trace.add(now + " FAULT kill-service " + r + " on " + n);
        if (running.get(n).contains(r)) {
            markStopped(n, r);
            deliver(n, new NodeEvent.AgentFailed(r, "killed"), 1);
        }
    }

    // --- membership, beats, leader ------------------------------------------------------------------

    private void membershipChanged() {
        for (List<NodeId> members : currentParts()) {
            int number = ++viewCounter;
            String key = "v" + number;
            trace.add(now + " VIEW " + key + " " + members);
            for (NodeId n : members) {
                // Views land on members with a skew, as in the lab: the majority must not rely on it being small.
                long skew = 1 + random.nextInt(random.nextInt(4) == 0 ? 1_200 : 30);
                at(skew, () -> {
                    // Like JGroups (and our guard in the edge), a node never steps back to an older view.
                    if (!alive.get(n) || viewNumber.getOrDefault(n, 0) > number) return;
                    viewNumber.put(n, number);
                    viewKey.put(n, key);
                    viewMembers.put(n, members);
                    deliver(n, new NodeEvent.ViewChanged(key, members, now), 0);
                });
            }
            elect(members, number);
        }
    }

    /** The members of each partition that a view would hold now: alive and not frozen. */
    private List<List<NodeId>> currentParts() {
        Map<Integer, List<NodeId>> parts = new TreeMap<>();
        for (NodeId n : config.nodeIds()) {
            if (alive.get(n) && !paused(n)) parts.computeIfAbsent(partition.get(n), k -> new ArrayList<>()).add(n);
        }
        return parts.values().stream().map(List::copyOf).toList();
    }

    /** A Raft election among {@code members}: a node whose log is complete wins if its voters are there. */
    private void elect(List<NodeId> members, long election) {
        List<NodeId> candidates = members.stream().filter(c -> votersOf.get(c).contains(c) && hasVoterMajority(c, members)).toList();
        Optional<NodeId> leader = candidates.stream().filter(upToDate::contains).findFirst().or(() -> candidates.stream().findFirst());
        for (NodeId n : members) {
            // A node back from away hears of the new leader late too (a merge view comes first, Raft after).
            deliverLeader(n, new NodeEvent.LeaderChanged(leader, leader.equals(Optional.of(n))),
                    upToDate.contains(n) ? 2 + random.nextInt(20) : 100 + random.nextInt(500), election);
            leaderSeen.put(n, leader);
            // A node that missed commits (it was away) learns them later than the others: Raft's
            // catch-up of a lagging follower took up to half a second in the lab.
            if (leader.isPresent()) deliver(n, new NodeEvent.StateChanged(committed), upToDate.contains(n) ? 3 : 100 + random.nextInt(500));
        }
        leader.ifPresent(l -> addBackVoters(l, members));
    }

    private boolean hasVoterMajority(NodeId candidate, List<NodeId> members) {
        Set<NodeId> voters = votersOf.get(candidate);
        return members.stream().filter(voters::contains).count() >= voters.size() / 2 + 1;
    }

    /** A leader with fewer voters than configured adds back a configured node it sees, by a committed entry. */
    private void addBackVoters(NodeId leader, List<NodeId> members) {
        for (NodeId m : members) {
            if (votersOf.get(leader).contains(m)) continue;
            at(100, () -> {
                if (!alive.get(leader) || paused(leader) || !leaderSeen.get(leader).equals(Optional.of(leader)) || !alive.get(m)
                        || !partition.get(m).equals(partition.get(leader)) || votersOf.get(leader).contains(m)) return;
                votersOf.get(leader).add(m);
                trace.add(now + " VOTERS " + leader + " adds " + m + " back: " + votersOf.get(leader));
                for (NodeId v : votersOf.get(leader)) votersOf.put(v, new TreeSet<>(votersOf.get(leader)));
            });
            return;
        }
    }

    /** The two_node survivor fenced its peer: it becomes the log's only voter and is elected at once. */
    private void continueAlone(NodeId n) {
        votersOf.put(n, new TreeSet<>(Set.of(n)));
        at(20, () -> {
            for (List<NodeId> members : currentParts()) {
                if (members.contains(n)) elect(members, ++viewCounter);
            }
        });
    }

    /**
     * Leader notices are ordered by the election that made them (a Raft term): one from an older view that
     * arrives after a newer one is dropped, as jgroups-raft ignores a lower term. Without this, two nodes
     * could end up each believing the other leads, for good (seed 4710 once the fault mix changed).
     */
    private void deliverLeader(NodeId n, NodeEvent.LeaderChanged notice, long delayMs, long election) {
        at(delayMs, () -> {
            if (election < leaderElectionSeen.getOrDefault(n, 0L)) return;
            leaderElectionSeen.put(n, election);
            deliver(n, notice, 0);
        });
    }

    private void scheduleBeats(NodeId n) {
        at(BEAT_MS, () -> {
            if (alive.get(n) && !paused(n)) {
                for (NodeId peer : config.nodeIds()) {
                    if (!peer.equals(n) && alive.get(peer) && partition.get(peer).equals(partition.get(n)) && viewKey.containsKey(n)) {
                        if (random.nextInt(100) < beatLossPercent) continue;
                        NodeEvent.Beat beat = new NodeEvent.Beat(n, viewKey.get(n), viewMembers.get(n), cores.get(n).status().state().version(), now + 1);
                        deliver(peer, beat, 1 + random.nextInt(3) + (beatJitterMs > 0 ? random.nextInt(beatJitterMs) : 0));
                        if (random.nextInt(100) < beatDuplicatePercent) deliver(peer, beat, 1 + random.nextInt(3 + beatJitterMs));
                    }
                }
            }
            scheduleBeats(n);
        });
    }

    private void scheduleTicks(NodeId n) {
        at(20, () -> {
            deliver(n, new NodeEvent.Tick(), 0);
            scheduleTicks(n);
        });
    }

    // --- delivery and effects -----------------------------------------------------------------------

    private void deliver(NodeId n, NodeEvent e, long delayMs) {
        at(delayMs, () -> {
            if (!alive.get(n)) return;
            if (paused(n)) {
                deliver(n, e, pausedUntil.get(n) - now);
                return;
            }
            // Like the real edge, a heartbeat is stamped when it is taken in, not when it was sent: a node
            // that was frozen reads old beats with fresh stamps.
            NodeEvent in = e instanceof NodeEvent.Beat b ? new NodeEvent.Beat(b.from(), b.viewKey(), b.members(), b.stateVersion(), now) : e;
            if (e instanceof NodeEvent.LeaderChanged l) believedLeader.put(n, l.leader());
            List<Effect> effects = cores.get(n).step(in, now, 1_700_000_000_000L + now);
            for (Effect eff : effects) perform(n, eff);
        });
    }

    private void perform(NodeId n, Effect e) {
        switch (e) {
            case Effect.Note note -> trace.add(now + " " + n + ": " + note.text());
            case Effect.ContinueAlone a -> {
                trace.add(now + " " + n + ": continue alone without " + a.peer());
                continueAlone(n);
            }
            case Effect.RunOp op -> at(5 + random.nextInt(40), () -> {
                if (!alive.get(n)) return;
                AgentResult result = switch (op.op()) {
                    case START -> {
                        startOn(n, op.resource());
                        yield AgentResult.ok();
                    }
                    case STOP -> {
                        if (stopsFail.contains(n)) yield AgentResult.timeout("simulated stop that hangs");
                        if (running.get(n).contains(op.resource())) markStopped(n, op.resource());
                        yield AgentResult.notRunning();
                    }
                    case MONITOR -> running.get(n).contains(op.resource()) ? AgentResult.ok() : AgentResult.notRunning();
                    case RELOAD -> running.get(n).contains(op.resource()) ? AgentResult.ok() : AgentResult.failed("reload of a stopped resource");
                };
                deliver(n, new NodeEvent.OpDone(op.resource(), op.op(), op.opId(), result), 0);
            });
            case Effect.Propose p -> propose(n, p);
            case Effect.UseConfig u -> trace.add(now + " " + n + ": use config with " + u.config().resources().size() + " resources");
            case Effect.Fence f -> fence(n, f.target());
            case Effect.ForceOff f -> at(10, () -> {
                if (!alive.get(n)) return;
                boolean ok = !forceOffFails.contains(n);
                if (ok) markStopped(n, f.resource());
                deliver(n, new NodeEvent.ForcedOff(f.resource(), ok, ok ? "killed" : "survives SIGKILL"), 0);
            });
            case Effect.Arm a -> guardArmed.get(n).add(a.resource());
            case Effect.Disarm d -> guardArmed.get(n).remove(d.resource());
            case Effect.GuardDeadline g -> {
                guardDeadline.put(n, g.atMs());
                at(Math.max(0, g.atMs() - now) + 1, () -> guardCheck(n, g.atMs()));
            }
        }
    }

    /**
     * A fence device that powers the target off after a delay, reachable from any partition (it is out of
     * band), as the lab device is; the fencer hears back unless it died meanwhile.
     */
    private void fence(NodeId by, NodeId target) {
        at(300 + random.nextInt(700), () -> {
            if (alive.get(target)) {
                trace.add(now + " FENCE " + target + " powered off by " + by);
                crash(target);
            }
            fenced.add(target + " by " + by);
            deliver(by, new NodeEvent.FenceDone(target, true, "simulated power off"), 1);
        });
    }

    private void propose(NodeId n, Effect.Propose p) {
        if (believedLeader.getOrDefault(n, Optional.empty()).equals(Optional.of(n)) && !leaderSeen.get(n).equals(Optional.of(n))) {
            // A node that still believes it leads appends under its old term, which the others refuse (Raft);
            // only a node that knows it follows forwards its proposal to the leader.
            deliver(n, new NodeEvent.ProposalDone(p.proposalId(), false, "stale leader: a newer term exists"), 50);
            return;
        }
        Optional<NodeId> leader = leaderSeen.get(n);
        boolean reachable = leader.isPresent() && alive.get(leader.get()) && partition.get(leader.get()).equals(partition.get(n))
                && leaderHasQuorum(leader.get());
        if (!reachable) {
            deliver(n, new NodeEvent.ProposalDone(p.proposalId(), false, "no leader"), 50);
            return;
        }
        at(2 + random.nextInt(5), () -> {
            if (!alive.get(leader.get()) || !leaderHasQuorum(leader.get())) {
                deliver(n, new NodeEvent.ProposalDone(p.proposalId(), false, "lost leadership"), 10);
                return;
            }
            committed = committed.apply(p.entry());
            upToDate.clear();
            for (NodeId m : config.nodeIds()) {
                if (alive.get(m) && !paused(m) && partition.get(m).equals(partition.get(leader.get()))) upToDate.add(m);
            }
            trace.add(now + " COMMIT by " + n + " v" + committed.version() + " " + p.entry());
            ClusterState snapshot = committed;
            for (NodeId m : config.nodeIds()) {
                if (alive.get(m) && !paused(m) && partition.get(m).equals(partition.get(leader.get()))) {
                    deliver(m, new NodeEvent.StateChanged(snapshot), 1 + random.nextInt(3));
                }
            }
            deliver(n, new NodeEvent.ProposalDone(p.proposalId(), true, ""), 5);
        });
    }

    private boolean leaderHasQuorum(NodeId leader) {
        int part = partition.get(leader);
        Set<NodeId> voters = votersOf.get(leader);
        long count = voters.stream().filter(m -> alive.get(m) && !paused(m) && partition.get(m) == part).count();
        return count >= voters.size() / 2 + 1;
    }

    // --- history and checks -------------------------------------------------------------------------

    private void startOn(NodeId n, ResourceId r) {
        if (config.node(n).map(haven.config.NodeConfig::isWitness).orElse(false)) {
            trace.add(now + " VIOLATION " + r + " started on witness " + n);
            violations.add("t=" + now + "ms: " + r + " started on witness " + n);
        }
        if (running.get(n).add(r)) {
            for (NodeId other : config.nodeIds()) {
                if (!other.equals(n) && running.get(other).contains(r)) {
                    trace.add(now + " VIOLATION " + r + " started on " + n + " while running on " + other);
                    violations.add("t=" + now + "ms: " + r + " started on " + n + " while still running on " + other);
                }
            }
        }
    }

    private void markStopped(NodeId n, ResourceId r) {
        running.get(n).remove(r);
    }

    Set<NodeId> holders(ResourceId r) {
        Set<NodeId> s = new TreeSet<>();
        running.forEach((n, rs) -> {
            if (rs.contains(r)) s.add(n);
        });
        return s;
    }

    ClusterState committed() {
        return committed;
    }
}
