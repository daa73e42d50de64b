package haven.sim;

import haven.core.NodeId;
import haven.core.AgentResult;
import haven.node.Effect;
import haven.node.NodeEvent;
import haven.fencing.FenceAction;
import haven.fencing.FenceWalk;
import java.util.Optional;

/** The simulated agents a node runs (start, stop, monitor, force off) and the fence device. */
final class SimAgents {
    private final SimCluster c;
    /** How often each fence device fails to power a node off (a device that does not answer), by name. */
    private final java.util.Map<String, Integer> fenceFailPercent = new java.util.TreeMap<>();

    SimAgents(SimCluster c) {
        this.c = c;
    }

    /** How often the first level's device fails. */
    void fenceFailPercent(int percent) {
        fenceFailPercent(SimConfigs.FENCE_DEVICE, percent);
    }

    void fenceFailPercent(String device, int percent) {
        fenceFailPercent.put(device, percent);
    }

    void run(SimHost h, Effect.RunOp op) {
        c.clock.at(5 + c.random.nextInt(40), () -> {
            if (!h.alive) return;
            AgentResult result = result(h, op);
            if (!h.alive) return; // killed between the launch and learning of it
            // The launch returned: a daemon that tells its guard only now (the mutation) does so here.
            if (h.armAfterLaunch.remove(op.resource())) h.guard.arm(op.resource());
            c.deliver(h.id, new NodeEvent.OpDone(op.resource(), op.op(), op.opId(), result), 0);
            reportScore(h, op.resource());
        });
    }

    /** As the daemon does after every operation: a promotion score that changed since it last looked is reported. */
    private void reportScore(SimHost h, haven.core.ResourceId r) {
        if (!c.copies.replicated(r)) return;
        Optional<Long> score = h.running.contains(r) ? Optional.of(c.copies.score(h.id, r)) : Optional.empty();
        if (score.equals(h.scoresSeen.getOrDefault(r, Optional.empty()))) return;
        h.scoresSeen.put(r, score);
        c.deliver(h.id, new NodeEvent.ScoreSet(r, score), 0);
    }

    /**
     * The start's process runs from here on, whatever becomes of its daemon. A daemon set to die at this
     * moment dies before the launch returns: only a guard told before the start can end the process.
     */
    private void launch(SimHost h, haven.core.ResourceId r) {
        c.checks.started(h.id, r);
        if (c.copies.replicated(r)) c.copies.started(h.id, r);
        h.promoted.remove(r);
        h.toldOfPromotion.remove(r);
        h.launchedBy.put(r, h.incarnation);
        if (!h.killAtNextStart) return;
        h.killAtNextStart = false;
        c.probe(SimProbe.DAEMON_KILLED_AT_START);
        c.trace(" " + r + " launched on " + h.id + "; its daemon is killed before it learns of the process");
        c.killDaemon(h.id);
        // The service manager starts the daemon again; its start-up probe must find what was left.
        c.clock.at(500 + c.random.nextInt(2_500), () -> c.restart(h.id));
    }

    /** The mutation's probe sees only processes this daemon launched itself, not a predecessor's leftovers. */
    private boolean blindTo(SimHost h, haven.core.ResourceId r) {
        return c.mutation == Mutation.GUARD_LEARNS_AFTER_LAUNCH && !Integer.valueOf(h.incarnation).equals(h.launchedBy.get(r));
    }

    private AgentResult result(SimHost h, Effect.RunOp op) {
        return switch (op.op()) {
            case START -> {
                c.checks.acted(h.id, op);
                if (h.startsFail) {
                    c.probe(SimProbe.START_FAILED);
                    if (c.random.nextBoolean()) launch(h, op.resource());
                    yield AgentResult.failed("simulated start failure");
                }
                launch(h, op.resource());
                yield AgentResult.ok();
            }
            case PROMOTE -> {
                c.checks.acted(h.id, op);
                if (!h.running.contains(op.resource())) yield AgentResult.failed("promote of a stopped instance");
                Optional<NodeId> ahead = c.copies.replicated(op.resource()) ? c.copies.queryMoreCurrentThan(h.id, op.resource()) : Optional.empty();
                if (ahead.isPresent() && c.mutation != Mutation.PROMOTE_BEHIND) {
                    // The built-in types' pre-promotion query: a reachable replica holds more of the data.
                    c.probe(SimProbe.PROMOTION_REFUSED_BEHIND);
                    c.copies.defer(h.id, op.resource());
                    yield AgentResult.declined(ahead.get() + " holds a more current copy (" + c.copies.of(ahead.get(), op.resource())
                            + " against " + c.copies.of(h.id, op.resource()) + "): it must be promoted instead");
                }
                c.checks.promoted(h.id, op.resource());
                if (c.copies.replicated(op.resource())) c.copies.promoted(h.id, op.resource());
                h.toldOfPromotion.remove(op.resource());
                yield AgentResult.ok();
            }
            case DEMOTE -> {
                h.promoted.remove(op.resource());
                yield h.running.contains(op.resource()) ? AgentResult.ok() : AgentResult.failed("demote of a stopped instance");
            }
            case STOP -> {
                if (h.stopsFail) yield AgentResult.timeout("simulated stop that hangs");
                h.running.remove(op.resource());
                yield AgentResult.notRunning();
            }
            case MONITOR -> {
                if (!h.running.contains(op.resource()) || blindTo(h, op.resource())) yield AgentResult.notRunning();
                if (h.monitorFailsOnce.remove(op.resource())) {
                    c.probe(SimProbe.MONITOR_FAILED);
                    yield AgentResult.failed("simulated health check failure");
                }
                yield h.promoted.contains(op.resource()) ? AgentResult.promoted() : AgentResult.ok();
            }
            case NOTIFY -> {
                if (!h.running.contains(op.resource())) yield AgentResult.failed("notify of a stopped instance");
                op.notice().filter(n -> n.pre() && n.operation() == haven.core.Operation.PROMOTE && n.subject().equals(h.id))
                        .ifPresent(n -> h.toldOfPromotion.add(op.resource()));
                yield AgentResult.ok();
            }
            case RELOAD -> {
                c.checks.acted(h.id, op);
                yield h.running.contains(op.resource()) ? AgentResult.ok() : AgentResult.failed("reload of a stopped resource");
            }
        };
    }

    void forceOff(SimHost h, Effect.ForceOff f) {
        c.clock.at(10, () -> {
            if (!h.alive) return;
            boolean ok = !h.forceOffFails;
            if (ok && h.running.remove(f.resource())) c.probe(SimProbe.STOP_FORCED_OFF);
            c.deliver(h.id, new NodeEvent.ForcedOff(f.resource(), ok, ok ? "killed" : "survives SIGKILL"), 0);
        });
    }

    /**
     * Fences {@code target} through the config's topology by the real level walk ({@link FenceWalk}): each device
     * answers after a delay, reachable from any partition (it is out of band), as the lab device is, and fails
     * now and then; a failed level gives way to the next. The target loses power once a level fenced it; the
     * fencer hears back unless it died meanwhile.
     */
    void fence(NodeId by, NodeId target) {
        FenceWalk walk = FenceWalk.start(c.config.fencing().orElseThrow(), target.name(), FenceAction.OFF, c.now());
        walk(by, target, walk, walk.next());
    }

    private void walk(NodeId by, NodeId target, FenceWalk walk, FenceWalk.Next next) {
        switch (next) {
            case FenceWalk.RunDevice run -> c.clock.at(300 + c.random.nextInt(700), () -> {
                String device = run.device().name();
                boolean fails = c.random.nextInt(100) < fenceFailPercent.getOrDefault(device, 0);
                if (fails) {
                    c.probe(SimProbe.FENCE_FAILED);
                    c.trace(" FENCE of " + target + " by " + by + ": level " + run.level().index() + " (" + device
                            + ") failed (the device did not answer)");
                }
                walk(by, target, walk, walk.report(fails ? Optional.of(device + ": simulated device timeout") : Optional.empty(), c.now()));
            });
            case FenceWalk.Fenced f -> {
                if (f.level().index() > 1) c.probe(SimProbe.FENCE_NEXT_LEVEL);
                if (c.host(target).alive || !c.host(target).running.isEmpty()) {
                    c.trace(" FENCE " + target + " powered off by " + by + " (level " + f.level().index() + ")");
                    c.probe(SimProbe.STUCK_NODE_FENCED);
                    c.crash(target);
                }
                c.fenced.add(target + " by " + by);
                c.deliver(by, new NodeEvent.FenceDone(target, true, "simulated power off by level " + f.level().index()), 1);
            }
            case FenceWalk.NotFenced n -> {
                c.trace(" FENCE " + n.summary());
                c.deliver(by, new NodeEvent.FenceDone(target, false, n.summary()), 1);
            }
        }
    }
}
