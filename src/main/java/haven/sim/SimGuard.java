package haven.sim;

import haven.core.ResourceId;
import haven.guard.GuardLink;
import haven.guard.GuardMessage;
import haven.guard.GuardState;
import haven.guard.RestartWindow;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One node's guard: the real {@link GuardState} (the deadline rule and the hang rule) in a simulated process
 * beside the daemon, and the daemon's end of the pipe as {@link GuardLink} keeps it: what it told the guard,
 * so that a guard started again after dying is told everything again, up to the link's restart budget.
 */
final class SimGuard {
    /** GuardLink's budget: a guard that dies more often than this within its window is given up. */
    static final int MAX_RESTARTS = GuardLink.MAX_RESTARTS;
    static final long ALIVE_EVERY_MS = 100;
    private static final long MAX_SLEEP_MS = 1_000;

    private final SimCluster c;
    private final SimHost h;
    private final boolean deadlineRule;
    /** The guard process, or null while there is none. */
    private GuardState state;
    /** Bumped whenever the guard process changes, so that an old process's wake-ups are ignored. */
    private int generation;
    private final Set<ResourceId> told = new TreeSet<>();
    private long toldDeadline = Long.MIN_VALUE;
    private long lastWriteMs = Long.MIN_VALUE;
    /** GuardLink's own count of the guard's recent deaths. */
    private RestartWindow deaths = newWindow();

    SimGuard(SimCluster c, SimHost h, boolean deadlineRule) {
        this.c = c;
        this.h = h;
        this.deadlineRule = deadlineRule;
    }

    /** The daemon starts, and with it a fresh guard that knows nothing yet. */
    void daemonStarted() {
        told.clear();
        toldDeadline = Long.MIN_VALUE;
        deaths = newWindow();
        launch();
    }

    private void launch() {
        generation++;
        state = new GuardState(GuardLink.HANG_LIMIT.toMillis(), c.now(), deadlineRule);
        lastWriteMs = c.now();
        if (toldDeadline != Long.MIN_VALUE) send(new GuardMessage.Deadline(toldDeadline));
        for (ResourceId r : told) send(new GuardMessage.Arm(r, List.of()));
        wakeIn(0);
    }

    void arm(ResourceId r) {
        told.add(r);
        send(new GuardMessage.Arm(r, List.of()));
    }

    void disarm(ResourceId r) {
        if (told.remove(r)) send(new GuardMessage.Disarm(r));
    }

    void deadline(long atMs) {
        toldDeadline = atMs;
        send(new GuardMessage.Deadline(atMs));
        wakeIn(Math.max(0, atMs - c.now()) + 1);
    }

    /** On every turn of the daemon's loop, as GuardLink does: a pet at most every {@link #ALIVE_EVERY_MS}. */
    void alive() {
        if (c.now() - lastWriteMs >= ALIVE_EVERY_MS) send(new GuardMessage.Alive());
    }

    private void send(GuardMessage m) {
        lastWriteMs = c.now();
        if (state != null) state.heard(m, c.now());
    }

    /** The pipe closed (the daemon died): the guard forces off everything armed and exits. */
    void daemonDied() {
        if (state == null) return;
        forceOff(state.takeArmed().keySet(), "daemon died", SimProbe.GUARD_DAEMON_DIED);
        state = null;
        generation++;
    }

    int restartsLeft() {
        return deaths.left(c.now());
    }

    private static RestartWindow newWindow() {
        return new RestartWindow(MAX_RESTARTS, GuardLink.RESTART_WINDOW.toMillis());
    }

    /** Power loss: the guard goes with everything else. */
    void gone() {
        state = null;
        generation++;
    }

    /** The guard process dies; the daemon's link starts a new one, told everything again, while its budget lasts. */
    void dies() {
        if (state == null) return;
        c.probe(SimProbe.GUARD_RESTARTED);
        state = null;
        int gen = ++generation;
        if (!deaths.died(c.now())) {
            // GuardLink gives the guard up: the daemon forces off everything it armed, stops the rest and leaves,
            // and the service manager starts it again later. A node that cannot keep a guard keeps nothing.
            c.probe(SimProbe.GUARD_GIVEN_UP);
            c.trace(" GUARD of " + h.id + " died more than " + MAX_RESTARTS + " times within "
                    + GuardLink.RESTART_WINDOW.toSeconds() + " s: given up; the daemon forces off " + h.running + " and exits");
            h.running.clear();
            c.daemonExits(h);
            return;
        }
        c.trace(" GUARD of " + h.id + " died (restart " + (MAX_RESTARTS - deaths.left(c.now())) + ")");
        // The link starts the new guard at once and writes everything into its pipe; the guard is a JVM of its
        // own and reads it a few hundred milliseconds later. If the daemon died meanwhile, the guard still
        // reads what was written, then the pipe's end, and forces all of it off.
        c.clock.at(150 + c.random.nextInt(300), () -> {
            if (gen != generation) return;
            if (h.alive) {
                launch();
            } else {
                forceOff(Set.copyOf(told), "daemon died before the new guard read its pipe", SimProbe.GUARD_DAEMON_DIED);
            }
        });
    }

    private void wakeIn(long delayMs) {
        int gen = generation;
        c.clock.at(delayMs, () -> wake(gen));
    }

    private void wake(int gen) {
        if (gen != generation || state == null) return;
        long now = c.now();
        if (state.deadlinePassed(now)) {
            forceOff(state.armedAtDeadline().keySet(), "deadline " + state.deadlineMs() + " passed", SimProbe.GUARD_DEADLINE);
        }
        if (h.alive && state.daemonHung(now)) {
            state.stopHangCheck();
            c.guardKillsDaemon(h);
            return;
        }
        wakeIn(Math.max(1, state.sleepMs(now, MAX_SLEEP_MS)));
    }

    private void forceOff(Set<ResourceId> armed, String why, SimProbe probe) {
        if (armed.isEmpty()) return;
        c.probe(probe);
        c.trace(" GUARD of " + h.id + " forces off " + armed + " (" + why + ")");
        h.running.removeAll(armed);
    }
}
