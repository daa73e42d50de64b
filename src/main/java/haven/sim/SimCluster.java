package haven.sim;

import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.node.Effect;
import haven.node.NodeCore;
import haven.node.NodeEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    final Mutation mutation;
    final Random random;
    final SimClock clock = new SimClock();
    private final Map<NodeId, SimHost> hosts = new TreeMap<>();
    final SimNetwork net;
    final SimLog log;
    final SimChecks checks;
    final SimAgents agents;
    /** The promoted members' data, copy by copy. */
    final SimCopies copies;
    final List<String> violations;
    /** The readable history: faults, and every decision each node wrote to its log. */
    final List<String> trace = new ArrayList<>();
    /** Fencings done, for tests: "target by fencer". */
    final List<String> fenced = new ArrayList<>();
    /** The configs a committed SetConfig may name, by its text. */
    private final Map<String, ClusterConfig> configs = new TreeMap<>();
    /** The rare paths this run reached. */
    final Set<SimProbe> probes = java.util.EnumSet.noneOf(SimProbe.class);

    SimCluster(ClusterConfig config, long seed) {
        this(config, seed, Mutation.NONE);
    }

    /** With a safety rule broken on purpose: the mutation check. */
    SimCluster(ClusterConfig config, long seed, Mutation mutation) {
        this.mutation = mutation;
        this.rules = mutation.rules(NodeCore.SafetyRules.of(config));
        this.config = config;
        this.random = new Random(seed);
        this.checks = new SimChecks(this);
        this.violations = checks.violations;
        for (NodeId n : config.nodeIds()) {
            SimHost h = new SimHost(n, new NodeCore(config, n, rules));
            h.config = config;
            h.guard = new SimGuard(this, h, mutation != Mutation.NO_GUARD_DEADLINE);
            hosts.put(n, h);
        }
        configs.put("web", config);
        configs.put("web+db", SimConfigs.withDb(config));
        this.net = new SimNetwork(this);
        this.log = new SimLog(this);
        this.agents = new SimAgents(this);
        this.copies = new SimCopies(this);
        for (NodeId n : config.nodeIds()) {
            host(n).guard.daemonStarted();
            scheduleTicks(n);
        }
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
        h.daemonDies();
        h.running.clear();
        h.guard.gone();
        checks.topologyChanged();
        clock.at(net.detectMs, net::membershipChanged);
    }

    /**
     * The daemon alone dies (SIGKILL): what it ran keeps running until its guard, which sees the pipe close
     * at once, forces off what it was told of.
     */
    void killDaemon(NodeId n) {
        SimHost h = host(n);
        if (!h.alive) return;
        trace(" FAULT kill-daemon " + n);
        h.daemonDies();
        checks.topologyChanged();
        clock.at(2, h.guard::daemonDied);
        clock.at(net.detectMs, net::membershipChanged);
    }

    /**
     * The guard killed its daemon, silent past the hang limit (frozen, stuck); the service manager starts the
     * daemon again after a while.
     */
    void guardKillsDaemon(SimHost h) {
        probe(SimProbe.GUARD_KILLED_HUNG_DAEMON);
        trace(" GUARD of " + h.id + " kills its daemon, silent for over " + haven.guard.GuardLink.HANG_LIMIT.toMillis() + " ms");
        h.daemonDies();
        checks.topologyChanged();
        h.guard.daemonDied();
        clock.at(net.detectMs, net::membershipChanged);
        clock.at(2_000, () -> restart(h.id));
    }

    /** The daemon gave up its guard and exited (status 3); the service manager starts it again after a while. */
    void daemonExits(SimHost h) {
        h.daemonDies();
        checks.topologyChanged();
        clock.at(net.detectMs, net::membershipChanged);
        clock.at(2_000, () -> restart(h.id));
    }

    /**
     * The guard process dies {@code times} times, {@code everyMs} apart; with {@code withinBudget}, never more
     * often than the link restarts it.
     */
    void guardDies(NodeId n, int times, long everyMs, boolean withinBudget) {
        trace(" FAULT the guard of " + n + " dies " + times + " times, every " + everyMs + " ms");
        for (int i = 0; i < times; i++) {
            clock.at(i * everyMs, () -> {
                // Past the budget the daemon gives the node up (SimGuard.dies): some batch seeds and a scenario go there.
                if (host(n).alive && (!withinBudget || host(n).guard.restartsLeft() > 0)) host(n).guard.dies();
            });
        }
    }

    /** The daemon freezes for {@code ms} (SIGSTOP, then SIGCONT); its guard keeps watching the clock. */
    void pause(NodeId n, long ms) {
        SimHost h = host(n);
        if (!h.up(now())) return;
        trace(" FAULT pause " + n + " for " + ms + " ms");
        h.pausedUntil = now() + ms;
        checks.topologyChanged();
        clock.at(net.detectMs, net::membershipChanged);
        int incarnation = h.incarnation;
        clock.at(ms, () -> {
            if (!h.alive || h.incarnation != incarnation) return;
            trace(" resume " + n);
            checks.topologyChanged();
            clock.at(net.detectMs, net::membershipChanged);
        });
    }

    /** The node boots again with an empty memory (its cluster state comes back from the log). */
    void restart(NodeId n) {
        SimHost h = host(n);
        if (h.alive) return;
        trace(" FAULT restart " + n);
        h.core = new NodeCore(config, n, rules);
        h.newProcess();
        h.config = config;
        h.configVersion = 0;
        h.alive = true;
        log.restarted(n);
        h.pausedUntil = Long.MIN_VALUE;
        h.stopsFail = false;
        h.forceOffFails = false;
        h.startsFail = false;
        h.monitorFailsOnce.clear();
        h.killAtNextStart = false;
        h.armAfterLaunch.clear();
        h.guard.daemonStarted();
        checks.forget(n);
        net.forget(n);
        checks.topologyChanged();
        clock.at(net.detectMs, net::membershipChanged);
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

    /** The daemon of {@code n} is killed just after it launches its next start's process, before it learns of it. */
    void killDaemonAtNextStart(NodeId n) {
        trace(" FAULT the daemon of " + n + " dies as its next start launches");
        host(n).killAtNextStart = true;
    }

    /** From now on every start on {@code n} fails (until it restarts). */
    void failStarts(NodeId n) {
        trace(" FAULT starts fail on " + n);
        host(n).startsFail = true;
    }

    /** The administrator fixes what made starts fail everywhere (a stop that hangs stays until a restart). */
    void fixStarts() {
        trace(" FAULT fixed: starts work again everywhere");
        nodes().forEach(n -> host(n).startsFail = false);
    }

    /** The next health check of {@code r} on {@code n} fails though it runs. */
    void failMonitorOnce(NodeId n, ResourceId r) {
        trace(" FAULT the next monitor of " + r + " on " + n + " fails");
        host(n).monitorFailsOnce.add(r);
    }

    void cutOneWay(NodeId n) {
        net.cutOneWay(n);
    }

    /** An administrator adds the db group through {@code via}, or removes it if the committed config has it. */
    void changeConfig(NodeId via) {
        haven.cib.ConfigRevision current = committed().config();
        String text = current.committed() && current.text().equals("web+db") ? "web" : "web+db";
        admin(via, new haven.cib.Command.SetConfig(current.version(), text, haven.cib.ConfigRevision.sha256(text)));
    }

    /** The config the log committed last, as the daemons run it. */
    ClusterConfig committedConfig() {
        return committed().config().committed() ? configs.get(committed().config().text()) : config;
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
    /** The loop's timer: on a 20 ms grid, a tick once the step the daemon's Stepping asked for is due. */
    private void scheduleTicks(NodeId n) {
        clock.at(haven.node.Stepping.BUSY_TICK_MS, () -> {
            if (now() >= host(n).nextStepMs) deliver(n, new NodeEvent.Tick(), 0);
            scheduleTicks(n);
        });
    }

    void deliver(NodeId n, NodeEvent e, long delayMs) {
        int incarnation = host(n).incarnation;
        clock.at(delayMs, () -> deliverNow(n, e, incarnation));
    }

    /**
     * Events for a daemon that died since they were queued are lost with it: a fencing's answer reaches
     * only the process that asked (seed 8712: a restarted daemon took its predecessor's answer, queued
     * while it was frozen, and freed a node that had come back and taken the group).
     */
    private void deliverNow(NodeId n, NodeEvent e, int incarnation) {
        SimHost h = host(n);
        if (!h.alive || h.incarnation != incarnation) return;
        if (h.paused(now())) {
            clock.at(h.pausedUntil - now(), () -> deliverNow(n, e, incarnation));
            return;
        }
        // Like the real edge, a heartbeat is stamped when it is taken in, not when it was sent: a node
        // that was frozen reads old beats with fresh stamps.
        if (e instanceof NodeEvent.Beat b) net.tookIn(n, b);
        NodeEvent in = e instanceof NodeEvent.Beat b
                ? new NodeEvent.Beat(b.from(), b.viewKey(), b.members(), b.stateVersion(), now(), b.echoedMs(), b.departedAgeMs()) : e;
        if (e instanceof NodeEvent.LeaderChanged l) log.noteBelieved(n, l.leader());
        Optional<List<NodeEvent>> batch = h.batchFor(in);
        if (batch.isEmpty()) {
            probe(SimProbe.QUIET_PACE);
            return;
        }
        List<Effect> effects = h.core.stepAll(batch.get(), now(), SimClock.EPOCH_MS + now());
        h.nextStepMs = h.stepping.stepped(batch.get(), effects, h.core.decideByMs(now()), now());
        performAll(h, effects);
        h.guard.alive();
        checks.stepped(h, e);
        if (e instanceof NodeEvent.StateChanged s) followConfig(h, s.state().config());
    }

    /** The daemon's config follower: a newly committed config is handed to the core with what changed. */
    private void followConfig(SimHost h, haven.cib.ConfigRevision revision) {
        if (!h.alive || revision.version() <= h.configVersion) return;
        ClusterConfig next = configs.get(revision.text());
        var diff = haven.config.live.ConfigDiff.between(h.config, next, haven.config.live.ReloadRules.NEVER);
        h.config = next;
        h.configVersion = revision.version();
        probe(SimProbe.CONFIG_CHANGED);
        performAll(h, h.core.step(new NodeEvent.ConfigChanged(revision.version(), next, diff), now(), SimClock.EPOCH_MS + now()));
    }

    private void performAll(SimHost h, List<Effect> effects) {
        if (mutation == Mutation.GUARD_LEARNS_AFTER_LAUNCH) {
            // The guard is told of a starting resource only once its launch returns (SimAgents.run).
            for (Effect e : effects) {
                if (e instanceof Effect.RunOp op && op.op() == haven.core.Operation.START) h.armAfterLaunch.add(op.resource());
            }
        }
        for (Effect eff : effects) perform(h, eff);
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
            case Effect.PeerRejoined p -> {
                trace(" " + n + ": " + p.peer() + " rejoined; the log may take it back as a voter");
                log.peerRejoined(n);
            }
            case Effect.RunOp op -> agents.run(h, op);
            case Effect.Propose p -> log.propose(n, p);
            case Effect.UseConfig u -> trace(" " + n + ": use config with " + u.config().resources().size() + " resources");
            case Effect.Fence f -> {
                if (f.target().equals(n)) probe(SimProbe.COORDINATOR_FENCED_ITSELF);
                agents.fence(n, f.target());
            }
            case Effect.ForceOff f -> agents.forceOff(h, f);
            case Effect.Arm a -> {
                if (!h.armAfterLaunch.contains(a.resource())) h.guard.arm(a.resource());
            }
            case Effect.Disarm d -> {
                h.armAfterLaunch.remove(d.resource());
                h.guard.disarm(d.resource());
            }
            case Effect.GuardDeadline g -> h.guard.deadline(g.atMs());
        }
    }
}
