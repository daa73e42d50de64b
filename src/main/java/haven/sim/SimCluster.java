package haven.sim;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.executor.AgentResult;
import haven.node.Effect;
import haven.node.NodeCore;
import haven.node.NodeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A whole cluster of real {@link NodeCore}s in one thread on a simulated clock, deterministic for a seed.
 * The jobs are split: {@link SimNetwork} (reachability, views, heartbeats), {@link SimLog} (the cluster
 * log), {@link SimHost} (each machine: daemon, resources, guard) and {@link SimChecks} (the safety rules).
 * This class holds them together: the faults a run injects, and the delivery of events and effects.
 */
final class SimCluster {
    final ClusterConfig config;
    private final NodeCore.SafetyRules rules;
    final Random random;
    final SimClock clock = new SimClock();
    private final Map<NodeId, SimHost> hosts = new TreeMap<>();
    final SimNetwork net;
    final SimLog log;
    final SimChecks checks;
    final List<String> violations;
    /** The readable history: faults, and every decision each node wrote to its log. */
    final List<String> trace = new ArrayList<>();
    /** Fencings done, for tests: "target by fencer". */
    final List<String> fenced = new ArrayList<>();
    /** The rare paths this run reached. */
    final Set<SimProbe> probes = java.util.EnumSet.noneOf(SimProbe.class);

    SimCluster(ClusterConfig config, long seed) {
        this(config, seed, NodeCore.SafetyRules.of(config));
    }

    /** With other safety rules than the config's: the mutation check. */
    SimCluster(ClusterConfig config, long seed, NodeCore.SafetyRules rules) {
        this.rules = rules;
        this.config = config;
        this.random = new Random(seed);
        for (NodeId n : config.nodeIds()) hosts.put(n, new SimHost(n, new NodeCore(config, n, rules)));
        this.net = new SimNetwork(this);
        this.log = new SimLog(this);
        this.checks = new SimChecks(this);
        this.violations = checks.violations;
        for (NodeId n : config.nodeIds()) scheduleTicks(n);
        net.start();
    }

    long now() {
        return clock.now();
    }

    void runUntil(long timeMs) {
        clock.runUntil(timeMs);
    }

    SimHost host(NodeId n) {
        return hosts.get(n);
    }

    Set<NodeId> nodes() {
        return hosts.keySet();
    }

    void probe(SimProbe p) {
        probes.add(p);
    }

    void trace(String afterTime) {
        trace.add(now() + afterTime);
    }

    ClusterState committed() {
        return log.committed();
    }

    Set<NodeId> holders(ResourceId r) {
        return checks.holders(r);
    }

    // --- faults -------------------------------------------------------------------------------------

    /** Power loss: the node and everything it ran vanish at once. */
    void crash(NodeId n) {
        trace(" FAULT crash " + n);
        SimHost h = host(n);
        h.alive = false;
        h.running.clear();
        clock.at(SimNetwork.DETECT_MS, net::membershipChanged);
    }

    /**
     * The daemon alone dies (SIGKILL): what it ran keeps running until its guard, which sees the pipe close
     * at once, forces off what it was told of.
     */
    void killDaemon(NodeId n) {
        SimHost h = host(n);
        if (!h.alive) return;
        trace(" FAULT kill-daemon " + n);
        h.alive = false;
        h.pausedUntil = Long.MIN_VALUE;
        clock.at(2, () -> {
            guardForcesOff(h, "daemon died", SimProbe.GUARD_DAEMON_DIED);
            h.guardArmed.clear();
        });
        clock.at(SimNetwork.DETECT_MS, net::membershipChanged);
    }

    /** The daemon freezes for {@code ms} (SIGSTOP, then SIGCONT); its guard keeps watching the clock. */
    void pause(NodeId n, long ms) {
        SimHost h = host(n);
        if (!h.up(now())) return;
        trace(" FAULT pause " + n + " for " + ms + " ms");
        h.pausedUntil = now() + ms;
        clock.at(SimNetwork.DETECT_MS, net::membershipChanged);
        clock.at(ms, () -> {
            trace(" resume " + n);
            clock.at(SimNetwork.DETECT_MS, net::membershipChanged);
        });
    }

    private void guardForcesOff(SimHost h, String why, SimProbe probe) {
        if (h.guardArmed.isEmpty()) return;
        probe(probe);
        trace(" GUARD of " + h.id + " forces off " + h.guardArmed + " (" + why + ")");
        h.running.removeAll(h.guardArmed);
    }

    /**
     * The guard's deadline passed and no later one came: the lease is gone or the daemon is silent. Like the
     * real guard, it keeps what is armed: a living daemon goes on from there without arming again.
     */
    private void guardCheck(SimHost h, long deadline) {
        if (h.guardDeadline != null && h.guardDeadline == deadline) guardForcesOff(h, "deadline " + deadline + " passed", SimProbe.GUARD_DEADLINE);
    }

    /** The node boots again with an empty memory (its cluster state comes back from the log). */
    void restart(NodeId n) {
        SimHost h = host(n);
        if (h.alive) return;
        trace(" FAULT restart " + n);
        h.core = new NodeCore(config, n, rules);
        h.alive = true;
        log.restarted(n);
        h.stopsFail = false;
        h.forceOffFails = false;
        h.guardArmed.clear();
        h.guardDeadline = null;
        net.forget(n);
        clock.at(SimNetwork.DETECT_MS, net::membershipChanged);
    }

    void restartAll() {
        nodes().forEach(this::restart);
    }

    /** Someone starts {@code r} on {@code n} by hand, behind the cluster's back. */
    void startBehindTheClustersBack(NodeId n, ResourceId r) {
        trace(" FAULT " + r + " started by hand on " + n);
        checks.started(n, r);
    }

    /** From now on every stop on {@code n} fails (until it restarts): a resource there may stay active. */
    void failStops(NodeId n) {
        trace(" FAULT stops fail on " + n);
        host(n).stopsFail = true;
    }

    /** Stops fail and forcing them off fails too: only fencing ends what runs on {@code n}. */
    void failStopsAndForce(NodeId n) {
        failStops(n);
        trace(" FAULT force-off fails on " + n);
        host(n).forceOffFails = true;
    }

    /** An administrator's command through node {@code via}'s API: proposed like any other entry. */
    void admin(NodeId via, haven.cib.Command command) {
        trace(" ADMIN via " + via + ": " + command);
        if (host(via).up(now())) log.propose(via, new Effect.Propose(-1, List.of(command)));
    }

    void isolate(NodeId n, int part) {
        net.isolate(n, part);
    }

    void degradeNetwork(int lossPercent, int duplicatePercent, int jitterMs) {
        net.degrade(lossPercent, duplicatePercent, jitterMs);
    }

    void heal() {
        net.heal();
    }

    void killService(NodeId n, ResourceId r) {
        trace(" FAULT kill-service " + r + " on " + n);
        if (host(n).running.remove(r)) deliver(n, new NodeEvent.AgentFailed(r, "killed"), 1);
    }

    // --- delivery and effects -----------------------------------------------------------------------

    private void scheduleTicks(NodeId n) {
        clock.at(20, () -> {
            deliver(n, new NodeEvent.Tick(), 0);
            scheduleTicks(n);
        });
    }

    void deliver(NodeId n, NodeEvent e, long delayMs) {
        clock.at(delayMs, () -> {
            SimHost h = host(n);
            if (!h.alive) return;
            if (h.paused(now())) {
                deliver(n, e, h.pausedUntil - now());
                return;
            }
            // Like the real edge, a heartbeat is stamped when it is taken in, not when it was sent: a node
            // that was frozen reads old beats with fresh stamps.
            NodeEvent in = e instanceof NodeEvent.Beat b ? new NodeEvent.Beat(b.from(), b.viewKey(), b.members(), b.stateVersion(), now()) : e;
            if (e instanceof NodeEvent.LeaderChanged l) log.noteBelieved(n, l.leader());
            List<Effect> effects = h.core.step(in, now(), 1_700_000_000_000L + now());
            for (Effect eff : effects) perform(h, eff);
        });
    }

    private void perform(SimHost h, Effect e) {
        NodeId n = h.id;
        switch (e) {
            case Effect.Note note -> {
                trace(" " + n + ": " + note.text());
                note.probe().ifPresent(p -> probe(SimProbe.of(p)));
            }
            case Effect.ContinueAlone a -> {
                probe(SimProbe.PAIR_CONTINUED_ALONE);
                trace(" " + n + ": continue alone without " + a.peer());
                log.continueAlone(n);
            }
            case Effect.RunOp op -> clock.at(5 + random.nextInt(40), () -> {
                if (!h.alive) return;
                deliver(n, new NodeEvent.OpDone(op.resource(), op.op(), op.opId(), runAgent(h, op)), 0);
            });
            case Effect.Propose p -> log.propose(n, p);
            case Effect.UseConfig u -> trace(" " + n + ": use config with " + u.config().resources().size() + " resources");
            case Effect.Fence f -> {
                if (f.target().equals(n)) probe(SimProbe.COORDINATOR_FENCED_ITSELF);
                fence(n, f.target());
            }
            case Effect.ForceOff f -> clock.at(10, () -> {
                if (!h.alive) return;
                boolean ok = !h.forceOffFails;
                if (ok && h.running.remove(f.resource())) probe(SimProbe.STOP_FORCED_OFF);
                deliver(n, new NodeEvent.ForcedOff(f.resource(), ok, ok ? "killed" : "survives SIGKILL"), 0);
            });
            case Effect.Arm a -> h.guardArmed.add(a.resource());
            case Effect.Disarm d -> h.guardArmed.remove(d.resource());
            case Effect.GuardDeadline g -> {
                h.guardDeadline = g.atMs();
                clock.at(Math.max(0, g.atMs() - now()) + 1, () -> guardCheck(h, g.atMs()));
            }
        }
    }

    private AgentResult runAgent(SimHost h, Effect.RunOp op) {
        return switch (op.op()) {
            case START -> {
                checks.started(h.id, op.resource());
                yield AgentResult.ok();
            }
            case STOP -> {
                if (h.stopsFail) yield AgentResult.timeout("simulated stop that hangs");
                h.running.remove(op.resource());
                yield AgentResult.notRunning();
            }
            case MONITOR -> h.running.contains(op.resource()) ? AgentResult.ok() : AgentResult.notRunning();
            case RELOAD -> h.running.contains(op.resource()) ? AgentResult.ok() : AgentResult.failed("reload of a stopped resource");
        };
    }

    /**
     * A fence device that powers the target off after a delay, reachable from any partition (it is out of
     * band), as the lab device is; the fencer hears back unless it died meanwhile.
     */
    private void fence(NodeId by, NodeId target) {
        clock.at(300 + random.nextInt(700), () -> {
            if (host(target).alive) {
                trace(" FENCE " + target + " powered off by " + by);
                probe(SimProbe.STUCK_NODE_FENCED);
                crash(target);
            }
            fenced.add(target + " by " + by);
            deliver(by, new NodeEvent.FenceDone(target, true, "simulated power off"), 1);
        });
    }
}
