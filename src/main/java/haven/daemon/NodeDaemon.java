package haven.daemon;

import haven.node.NodeCore;
import haven.node.Effect;
import haven.node.OperationRunner;
import haven.node.NodeEvent;
import haven.node.NodeStatus;
import haven.api.ApiServer;
import haven.cib.ClusterState;
import haven.config.ClusterConfig;
import haven.config.NodeConfig;
import haven.core.NodeId;
import haven.core.Ticker;
import haven.core.WallClock;
import haven.core.AgentResult;
import haven.guard.GuardLink;
import haven.membership.ClusterListener;
import haven.membership.jgroups.JGroupsCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import haven.core.ResourceId;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Wires one node: the cluster edge (JGroups + Raft), the executor, the event loop and the API. This is the
 * effect driver too: it performs what the core asks, and turns every answer back into an event.
 */
public final class NodeDaemon implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    static final Duration PROPOSAL_TIMEOUT = Duration.ofSeconds(3);
    private static final haven.guard.ForceOffRunner FORCE = new haven.guard.ForceOffRunner();

    /** The config the daemon started with: its transport, API, fencing and alerts never change while it runs. */
    private final ClusterConfig config;
    private final haven.daemon.ConfigFollower follower;
    /** The resources and groups as the core runs them now (a live change replaces them): what shutdown stops. */
    private volatile ClusterConfig running;
    private final NodeId self;
    private final OperationRunner runner;
    private final EventLoop loop;
    private final JGroupsCluster cluster;
    private final ApiServer api;
    private final haven.events.EventRecorder events;
    private final haven.events.AlertRunner alerts;
    private final haven.timeline.Timeline timeline;
    private GuardLink guard;
    private haven.ping.PingMonitor ping;
    private final Optional<haven.fencing.Fencer> fencer;
    private volatile NodeStatus status;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private Optional<Path> watchdog = Optional.empty();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean guardGivenUp = false;

    public NodeDaemon(ClusterConfig config, NodeId self, Path stateDir, OperationRunner runner) {
        this(config, self, stateDir, runner, Optional.empty(), "");
    }

    /**
     * {@code configFile}, {@code configText}: the file the config was loaded from and its text; committed
     * config changes are written back to it.
     */
    public NodeDaemon(ClusterConfig config, NodeId self, Path stateDir, OperationRunner runner, Optional<Path> configFile,
            String configText) {
        this.config = config;
        this.running = config;
        this.self = self;
        this.runner = runner;
        NodeCore core = new NodeCore(config, self);
        this.status = core.status();
        this.events = new haven.events.EventRecorder(self, WallClock.SYSTEM, haven.events.EventRecorder.RING_CAPACITY);
        events.observe(status);
        this.alerts = new haven.events.AlertRunner(config.alerts(), events, self.name(), new haven.process.ProcessRunner(),
                WallClock.SYSTEM, NodeDaemon::log);
        this.loop = new EventLoop(core, Ticker.SYSTEM, WallClock.SYSTEM, this::perform, this::publish);
        this.timeline = new haven.timeline.Timeline(config, stateDir.resolve("timeline"));
        this.cluster = new JGroupsCluster(config, self, stateDir, new Listener(), Ticker.SYSTEM);
        this.follower = new haven.daemon.ConfigFollower(config, configText, configFile,
                haven.validation.OcfReloadRules.installed(), NodeDaemon::log,
                (version, next, diff) -> loop.enqueue(new NodeEvent.ConfigChanged(version, next, diff)));
        this.api = new ApiServer(config, () -> status, cluster, events).withTimeline(timeline).withReplication(runner::replicationStatus).withConfig(new haven.api.ConfigResource(() -> status,
                cluster, follower::text, new haven.validation.ConfigValidator(follower.baseDir(),
                        haven.validation.AgentChecks.INSTALLED), haven.validation.OcfReloadRules.installed()));
        this.fencer = config.fencing().map(haven.fencing.Fencer::new);
        runner.onInSyncChange(events::inSyncChanged);
    }

    /** The loop's snapshot after each step: for the API's readers, the event stream and the API's waiting requests. */
    private void publish(NodeStatus s) {
        status = s;
        events.observe(s);
        api.published();
    }

    /** The watchdog device this node's guard pets (`haven node --watchdog`); call before {@link #start}. */
    public NodeDaemon withWatchdog(Optional<Path> device) {
        this.watchdog = device;
        return this;
    }

    public void start() throws Exception {
        if (!witness()) {
            guard = GuardLink.start(self.name(), watchdog);
            guard.onGivenUp(this::leaveWithoutGuard);
        }
        runner.onUnexpectedFailure((r, why) -> loop.enqueue(new NodeEvent.AgentFailed(r, why)));
        if (guard != null) runner.onForceOffChanged(r -> guard.update(r, runner.forceOff(r)));
        loop.start();
        // Reading each fence agent's metadata takes a process per agent: do it now, not during a failover.
        fencer.ifPresent(f -> Thread.ofVirtual().name("fence-check").start(() ->
                f.checkDevices().forEach(problem -> log("fencing configuration: " + problem))));
        List<String> pingNodes = config.quorum().pingNodes();
        if (!pingNodes.isEmpty() && !witness()) {
            ping = new haven.ping.PingMonitor(pingNodes, n -> loop.enqueue(new NodeEvent.Reachability(n)));
            ping.start();
        }
        alerts.start();
        api.start();
        cluster.start();
        log((witness() ? "witness " : "node ") + self + " up: cluster " + config.clusterName() + ", API on 127.0.0.1:"
                + config.apiPort() + config.api().exposed().map(x -> " and https://" + x.listen() + ":" + x.port()).orElse(""));
    }

    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** What `haven node` exits with: 0 after an orderly stop, 3 when it left because its guard could not be kept. */
    public int exitStatus() {
        return guardGivenUp ? 3 : 0;
    }

    /** The last promotion score each resource's agent was seen to set; only a change becomes an event. */
    private final java.util.Map<ResourceId, Optional<Long>> scoresSeen = new java.util.concurrent.ConcurrentHashMap<>();

    private void reportScoreChange(ResourceId resource) {
        Optional<Long> now = runner.promotionScore(resource);
        Optional<Long> before = scoresSeen.put(resource, now);
        if (!now.equals(before == null ? Optional.empty() : before)) loop.enqueue(new NodeEvent.ScoreSet(resource, now));
    }

    /**
     * The guard keeps dying, so nothing would end this node's resources if the daemon froze or died: they were
     * forced off already (by the link); stop the rest in order and leave the cluster, so that the others take the
     * groups over under their lease rules. A service manager restarts the daemon with a fresh guard.
     */
    private void leaveWithoutGuard() {
        guardGivenUp = true;
        log("the guard cannot be kept: stopping every resource here and leaving the cluster (exit status 3)");
        close();
    }

    private void perform(List<Effect> effects) {
        for (Effect e : effects) {
            switch (e) {
                case Effect.RunOp op -> {
                    long submittedMs = Ticker.SYSTEM.nowMs();
                    java.util.function.Consumer<AgentResult> done = result -> {
                        try {
                            events.operationDone(op.resource(), op.op(), result, Ticker.SYSTEM.nowMs() - submittedMs);
                        } finally {
                            loop.enqueue(new NodeEvent.OpDone(op.resource(), op.op(), op.opId(), result));
                            reportScoreChange(op.resource());
                        }
                    };
                    if (op.notice().isPresent()) runner.submitNotify(op.resource(), op.timeout(), op.notice().get(), done);
                    else runner.submit(op.resource(), op.op(), op.timeout(), op.generation(), done);
                }
                case Effect.Propose p -> cluster.propose(p.entry(), PROPOSAL_TIMEOUT).whenComplete((ok, err) ->
                        loop.enqueue(new NodeEvent.ProposalDone(p.proposalId(), err == null, err == null ? "" : String.valueOf(err))));
                case Effect.Note n -> log(n.text());
                case Effect.UseConfig u -> {
                    runner.reconfigure(u.config());
                    running = u.config();
                }
                case Effect.ContinueAlone a -> cluster.continueAlone();
                case Effect.PeerRejoined p -> cluster.peerRejoined();
                case Effect.Arm a -> guard.arm(a.resource(), runner.forceOff(a.resource()));
                case Effect.Disarm d -> guard.disarm(d.resource());
                case Effect.Fence f -> fence(f.target());
                case Effect.ForceOff f -> forceOff(f.resource());
                case Effect.GuardDeadline d -> {
                    if (guard != null) guard.deadline(d.atMs());
                }
            }
        }
        if (guard != null) guard.alive(Ticker.SYSTEM.nowMs());
    }

    /**
     * Powers the target off (not reboot: a node that needed fencing stays off until someone looks at it) on
     * a thread of its own, since agents take seconds; the outcome goes back to the loop.
     */
    private void fence(haven.core.NodeId target) {
        if (fencer.isEmpty()) {
            loop.enqueue(new NodeEvent.FenceDone(target, false, "no fence device configured"));
            return;
        }
        Thread.ofVirtual().name("fence-" + target).start(() -> {
            try {
                haven.fencing.FenceOutcome o = fencer.get().fence(target.name(), haven.fencing.FenceAction.OFF);
                o.attempts().forEach(a -> log("fence " + target + ": " + a.describe()));
                loop.enqueue(new NodeEvent.FenceDone(target, o.fenced(), o.summary()));
            } catch (RuntimeException e) {
                loop.enqueue(new NodeEvent.FenceDone(target, false, "fencing threw " + e));
            }
        });
    }

    /** The guard's steps, run here: the daemon lives, only the agent's stop failed. */
    private void forceOff(haven.core.ResourceId r) {
        var steps = runner.forceOff(r);
        Thread.ofVirtual().name("force-off-" + r).start(() -> {
            if (steps.isEmpty()) {
                loop.enqueue(new NodeEvent.ForcedOff(r, false, "the agent names nothing to force off"));
                return;
            }
            boolean ok = true;
            List<String> lines = new java.util.ArrayList<>();
            for (var step : steps) {
                var o = FORCE.run(step);
                ok &= o.ok();
                lines.add(o.text());
            }
            loop.enqueue(new NodeEvent.ForcedOff(r, ok, String.join("; ", lines)));
        });
    }

    private void stopAllResources() {
        ClusterConfig running = this.running;
        List<haven.config.GroupConfig> groups = new java.util.ArrayList<>(running.groups());
        java.util.Collections.reverse(groups);
        for (var g : groups) {
            List<haven.core.ResourceId> members = new java.util.ArrayList<>(g.startOrder());
            java.util.Collections.reverse(members);
            for (var r : members) {
                var rc = running.resource(r).orElseThrow();
                var done = new java.util.concurrent.CompletableFuture<haven.core.AgentResult>();
                runner.submit(r, haven.core.Operation.STOP, rc.stopTimeout(), 0, done::complete);
                try {
                    var result = done.get(rc.stopTimeout().toMillis() + 1000, java.util.concurrent.TimeUnit.MILLISECONDS);
                    log("shutdown: stop " + r + ": " + result.status());
                    if (guard != null && (result.status() == AgentResult.Status.OK || result.status() == AgentResult.Status.NOT_RUNNING)) {
                        guard.disarm(r);
                    }
                } catch (Exception e) {
                    log("shutdown: stop " + r + " did not finish: " + e);
                }
            }
        }
    }

    private boolean witness() {
        return config.node(self).map(NodeConfig::isWitness).orElse(false);
    }

    /**
     * How long an orderly stop may take before the guard forces off what is left: every stop timeout in
     * turn, and a second of slack. The node still holds its place in the view meanwhile, so no other node
     * starts these resources yet.
     */
    private Duration shutdownAllowance() {
        ClusterConfig running = this.running;
        Duration all = Duration.ofSeconds(1);
        for (var rc : running.resources()) all = all.plus(rc.stopTimeout()).plusSeconds(1);
        return all;
    }

    static void log(String text) {
        System.out.println(LocalTime.now().format(TIME) + " " + text);
    }

    /**
     * An orderly stop: the loop stops deciding, this node stops its own resources (groups in reverse, members
     * in reverse) and only then leaves the cluster, so its groups are free before anyone else starts them.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitStopQuietly();
            return;
        }
        if (ping != null) ping.close();
        loop.stop();
        api.close();
        if (guard != null) guard.shutdown(Ticker.SYSTEM.nowMs() + shutdownAllowance().toMillis());
        if (!witness()) stopAllResources();
        if (guard != null) guard.close();
        cluster.close();
        timeline.close();
        runner.close();
        follower.close();
        // Last, so that a hook still running never delays stopping the resources.
        alerts.close();
        stopped.countDown();
    }

    /** A second close (the shutdown hook after a leave) waits for the first to finish, no longer than its stops take. */
    private void awaitStopQuietly() {
        try {
            stopped.await(shutdownAllowance().toMillis() + 10_000, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Listener implements ClusterListener {
        @Override
        public void viewChanged(String viewKey, List<NodeId> members, long atMs) {
            runner.viewChanged(members);
            loop.enqueue(new NodeEvent.ViewChanged(viewKey, members, atMs));
        }

        @Override
        public void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs) {
            beat(from, viewKey, members, stateVersion, atMs, java.util.OptionalLong.empty());
        }

        @Override
        public void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs, java.util.OptionalLong echoedMs) {
            beat(from, viewKey, members, stateVersion, atMs, echoedMs, java.util.Map.of());
        }

        @Override
        public void beat(NodeId from, String viewKey, List<NodeId> members, long stateVersion, long atMs, java.util.OptionalLong echoedMs,
                java.util.Map<NodeId, Long> departedAgeMs) {
            loop.enqueue(new NodeEvent.Beat(from, viewKey, members, stateVersion, atMs, echoedMs, departedAgeMs));
        }

        @Override
        public void stateChanged(ClusterState state) {
            loop.enqueue(new NodeEvent.StateChanged(state));
            follower.observe(state.config());
        }

        @Override
        public void entryApplied(ClusterState before, List<haven.cib.Command> entry, ClusterState after) {
            timeline.entryApplied(before, entry, after);
        }

        @Override
        public void snapshotInstalled(ClusterState state) {
            timeline.snapshotInstalled(state);
        }

        @Override
        public void leaderChanged(Optional<NodeId> leader, boolean isSelf) {
            loop.enqueue(new NodeEvent.LeaderChanged(leader, isSelf));
        }
    }
}
