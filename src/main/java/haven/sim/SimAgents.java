package haven.sim;

import haven.core.NodeId;
import haven.core.AgentResult;
import haven.node.Effect;
import haven.node.NodeEvent;

/** The simulated agents a node runs (start, stop, monitor, force off) and the fence device. */
final class SimAgents {
    private final SimCluster c;
    /** How often the fence device fails to power a node off (a device that does not answer). */
    private int fenceFailPercent = 0;

    SimAgents(SimCluster c) {
        this.c = c;
    }

    void fenceFailPercent(int percent) {
        fenceFailPercent = percent;
    }

    void run(SimHost h, Effect.RunOp op) {
        c.clock.at(5 + c.random.nextInt(40), () -> {
            if (!h.alive) return;
            AgentResult result = result(h, op);
            if (!h.alive) return; // killed between the launch and learning of it
            // The launch returned: a daemon that tells its guard only now (the mutation) does so here.
            if (h.armAfterLaunch.remove(op.resource())) h.guard.arm(op.resource());
            c.deliver(h.id, new NodeEvent.OpDone(op.resource(), op.op(), op.opId(), result), 0);
        });
    }

    /**
     * The start's process runs from here on, whatever becomes of its daemon. A daemon set to die at this
     * moment dies before the launch returns: only a guard told before the start can end the process.
     */
    private void launch(SimHost h, haven.core.ResourceId r) {
        c.checks.started(h.id, r);
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
     * A fence device that powers the target off after a delay, reachable from any partition (it is out of
     * band), as the lab device is; it fails now and then; the fencer hears back unless it died meanwhile.
     */
    void fence(NodeId by, NodeId target) {
        c.clock.at(300 + c.random.nextInt(700), () -> {
            if (c.random.nextInt(100) < fenceFailPercent) {
                c.probe(SimProbe.FENCE_FAILED);
                c.trace(" FENCE of " + target + " by " + by + " failed (the device did not answer)");
                c.deliver(by, new NodeEvent.FenceDone(target, false, "simulated device timeout"), 1);
                return;
            }
            if (c.host(target).alive || !c.host(target).running.isEmpty()) {
                c.trace(" FENCE " + target + " powered off by " + by);
                c.probe(SimProbe.STUCK_NODE_FENCED);
                c.crash(target);
            }
            c.fenced.add(target + " by " + by);
            c.deliver(by, new NodeEvent.FenceDone(target, true, "simulated power off"), 1);
        });
    }
}
