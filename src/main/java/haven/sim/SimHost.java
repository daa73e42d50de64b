package haven.sim;

import haven.core.NodeId;
import haven.core.ResourceId;
import haven.node.NodeCore;
import java.util.Set;
import java.util.TreeSet;

/** One simulated machine: its daemon (the real node core), the resources running on it, and its guard. */
final class SimHost {
    final NodeId id;
    NodeCore core;
    /** The daemon runs (a crash or SIGKILL ends it; a restart brings it back). */
    boolean alive = true;
    /** Bumped whenever the daemon dies: what was queued for the old process dies with it. */
    int incarnation;
    /** Until when the daemon is frozen (SIGSTOP): it takes in nothing and sends nothing. */
    long pausedUntil = Long.MIN_VALUE;
    final Set<ResourceId> running = new TreeSet<>();
    /** Of {@link #running}, those in the primary role (an entry whose resource no longer runs means nothing). */
    final Set<ResourceId> promoted = new TreeSet<>();
    /** Of {@link #running}, those whose instance was told of its own coming promotion (a pre-promote notice). */
    final Set<ResourceId> toldOfPromotion = new TreeSet<>();
    /** The config the daemon runs, and the committed version it came from (0: the file it booted with). */
    haven.config.ClusterConfig config;
    long configVersion;
    /** The guard process beside the daemon. */
    SimGuard guard;
    /** Every stop fails (a hung stop), until the node restarts. */
    boolean stopsFail;
    /** Even SIGKILL does not end a resource (a process stuck in the kernel), until restart. */
    boolean forceOffFails;
    /** Every start fails, half of them leaving the resource running anyway, until the node restarts. */
    boolean startsFail;
    /** The next monitor of these reports a failure though they run (a health check that times out once). */
    final Set<ResourceId> monitorFailsOnce = new TreeSet<>();
    /** The daemon dies right after it launches the next start's process, before it learns of it. */
    boolean killAtNextStart;
    /** Which daemon (its incarnation) launched each running process: a later one did not start a leftover. */
    final java.util.Map<ResourceId, Integer> launchedBy = new java.util.TreeMap<>();
    /**
     * {@link Mutation#GUARD_LEARNS_AFTER_LAUNCH}: arms held back until the start they belong to reports, as the
     * daemon once told its guard a process group only once the launch had returned it.
     */
    final Set<ResourceId> armAfterLaunch = new TreeSet<>();
    /** The promotion score this daemon last saw each agent set, as the daemon keeps it: only a change is reported. */
    final java.util.Map<ResourceId, java.util.Optional<Long>> scoresSeen = new java.util.TreeMap<>();

    /** The daemon loop's pace, the events (beats, passing monitors) it left queued for its next step, and when that step is due. */
    haven.node.Stepping stepping = new haven.node.Stepping();
    final java.util.List<haven.node.NodeEvent> queued = new java.util.ArrayList<>();
    long nextStepMs = Long.MIN_VALUE;

    SimHost(NodeId id, NodeCore core) {
        this.id = id;
        this.core = core;
    }

    boolean paused(long now) {
        return pausedUntil > now;
    }

    /** Alive and not frozen: it takes in events and sends messages. */
    boolean up(long now) {
        return alive && !paused(now);
    }

    /**
     * As the daemon's loop does: the events of the step {@code event} wakes (with the events queued before it),
     * or empty when a quiet node leaves it queued for its next step.
     */
    java.util.Optional<java.util.List<haven.node.NodeEvent>> batchFor(haven.node.NodeEvent event) {
        queued.add(event);
        if (!stepping.wakes(event)) return java.util.Optional.empty();
        java.util.List<haven.node.NodeEvent> batch = java.util.List.copyOf(queued);
        queued.clear();
        return java.util.Optional.of(batch);
    }

    /**
     * The daemon process ends (a crash, a kill, an exit); what it had queued is dropped when the next starts
     * ({@link #newProcess}).
     */
    void daemonDies() {
        alive = false;
        incarnation++;
        pausedUntil = Long.MIN_VALUE;
    }

    /** A new daemon process: what the old one had queued died with it. */
    void newProcess() {
        scoresSeen.clear();
        stepping = new haven.node.Stepping();
        queued.clear();
        nextStepMs = Long.MIN_VALUE;
    }
}
