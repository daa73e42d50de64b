package haven.guard;

import haven.core.ForceOff;
import haven.core.MountTable;
import haven.executor.agents.IpAddrAgent;
import haven.process.MarkedProcesses;
import haven.process.ProcessGroup;
import haven.process.ProcessRunner;
import haven.process.RecordedGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Carries out force-off steps in the guard's own network namespace (the node's). Each step reports what it
 * did as a line for the log; none throws, because a guard that stops at the first error would leave the
 * rest running.
 */
public final class ForceOffRunner {
    static final Duration COMMAND_LIMIT = Duration.ofSeconds(2);
    static final Duration KILL_WAIT = Duration.ofSeconds(2);
    private final ProcessRunner runner = new ProcessRunner();
    /** How an outcome that found nothing to end begins (the lab's failover bench counts the others). */
    public static final String NOTHING = "no ";

    /** What one step did: whether the resource's part is gone, and a line for the log. */
    public record Outcome(boolean ok, String text) {}

    public Outcome run(ForceOff step) {
        return switch (step) {
            case ForceOff.KillGroup g -> killGroup(g.pgid());
            case ForceOff.RemoveAddress a -> removeAddress(a.cidr());
            case ForceOff.KillMarked m -> killMarked(m.marker());
            case ForceOff.KillRecordedGroup g -> killRecorded(new RecordedGroup(java.nio.file.Path.of(g.file())));
            case ForceOff.Unmount u -> unmount(u.directory());
        };
    }

    /** What {@link #runAll} did: whether every part is gone, and one log line per step. */
    public record Report(boolean ok, List<String> lines) {}

    /**
     * Runs every step of every resource, addresses first: once the address is gone no client reaches the node,
     * and the peer that takes over can announce it; the processes behind it are killed next; mounts last, once
     * nothing of this node's still holds files open on them.
     */
    public Report runAll(java.util.Map<haven.core.ResourceId, List<ForceOff>> all) {
        List<String> done = new ArrayList<>();
        boolean ok = true;
        for (int pass = 0; pass < 3; pass++) {
            for (var e : all.entrySet()) {
                for (ForceOff step : e.getValue()) {
                    if (passOf(step) != pass) continue;
                    Outcome outcome = run(step);
                    ok &= outcome.ok();
                    done.add("  " + e.getKey() + ": " + outcome.text());
                }
            }
        }
        all.forEach((r, steps) -> {
            if (steps.isEmpty()) done.add("  " + r + ": no step known (its processes were not started yet)");
        });
        return new Report(ok, done);
    }

    private static int passOf(ForceOff step) {
        return switch (step) {
            case ForceOff.RemoveAddress a -> 0;
            case ForceOff.Unmount u -> 2;
            default -> 1;
        };
    }

    /**
     * Runs again only the steps that find processes without a group id (recorded groups, markers), and reports
     * only those that found something: for a start that was in flight when the first pass ran.
     */
    public Report sweep(java.util.Map<haven.core.ResourceId, List<ForceOff>> all) {
        List<String> found = new ArrayList<>();
        boolean ok = true;
        for (var e : all.entrySet()) {
            for (ForceOff step : e.getValue()) {
                if (!(step instanceof ForceOff.KillRecordedGroup || step instanceof ForceOff.KillMarked)) continue;
                Outcome outcome = run(step);
                ok &= outcome.ok();
                if (!outcome.text().startsWith(NOTHING)) found.add("  " + e.getKey() + ": " + outcome.text());
            }
        }
        return new Report(ok, found);
    }

    /**
     * Runs the address query once at start: the first run of a code path in a fresh JVM pays for class
     * loading, and the first real force-off must not.
     */
    public void warmUp() {
        ip("-o", "-4", "addr", "show");
    }

    private Outcome killGroup(long pgid) {
        // The daemon's own stop may have ended it already: then there is nothing to report as forced off.
        if (ProcessGroup.membersOf(pgid).isEmpty()) return new Outcome(true, NOTHING + "process left in group " + pgid);
        return ProcessGroup.killGroup(pgid, KILL_WAIT)
                ? new Outcome(true, "process group " + pgid + " killed")
                : new Outcome(false, "process group " + pgid + " STILL HAS MEMBERS after SIGKILL");
    }

    private Outcome killRecorded(RecordedGroup recorded) {
        java.util.OptionalLong pgid = recorded.pgid();
        if (pgid.isEmpty()) return new Outcome(true, NOTHING + "living process group recorded in " + recorded);
        return recorded.terminate(Duration.ZERO, KILL_WAIT)
                ? new Outcome(true, "process group " + pgid.getAsLong() + " (recorded in " + recorded + ") killed")
                : new Outcome(false, "process group " + pgid.getAsLong() + " (recorded in " + recorded + ") STILL HAS MEMBERS after SIGKILL");
    }

    private Outcome killMarked(String marker) {
        MarkedProcesses.Killed k;
        try {
            k = MarkedProcesses.kill(marker, KILL_WAIT);
        } catch (IllegalStateException e) {
            return new Outcome(false, "processes marked " + marker + " NOT looked for: " + e.getMessage());
        }
        if (k.gone() && k.killed().isEmpty()) return new Outcome(true, NOTHING + "process marked " + marker);
        return k.gone()
                ? new Outcome(true, "processes marked " + marker + " killed " + k.killed())
                : new Outcome(false, "processes marked " + marker + " STILL RUN after SIGKILL: " + MarkedProcesses.find(marker));
    }

    private Outcome removeAddress(String cidr) {
        ProcessRunner.Result shown = ip("-o", "-4", "addr", "show");
        if (!shown.ok()) return new Outcome(false, "address " + cidr + " NOT removed: " + shown.describe());
        List<String> devices = IpAddrAgent.interfacesHolding(shown.output(), cidr);
        if (devices.isEmpty()) return new Outcome(true, NOTHING + "address " + cidr + " here");
        List<String> done = new ArrayList<>();
        boolean all = true;
        boolean removedAny = false;
        for (String dev : devices) {
            ProcessRunner.Result r = ip("addr", "del", cidr, "dev", dev);
            if (r.ok()) {
                removedAny = true;
                done.add("removed from " + dev);
            } else if (goneFrom(cidr, dev)) {
                // The daemon's own stop removed it between the look and the delete: that is what was wanted.
                done.add("already gone from " + dev);
            } else {
                all = false;
                done.add("NOT removed from " + dev + ": " + r.describe());
            }
        }
        return new Outcome(all, (removedAny || !all ? "" : NOTHING) + "address " + cidr + " " + String.join(", ", done));
    }

    /** Whether {@code dev} no longer holds {@code cidr} (false when that cannot be told). */
    private boolean goneFrom(String cidr, String dev) {
        ProcessRunner.Result shown = ip("-o", "-4", "addr", "show");
        return shown.ok() && !IpAddrAgent.interfacesHolding(shown.output(), cidr).contains(dev);
    }

    private Outcome unmount(String directory) {
        if (!MountTable.ofThisProcess().contains(directory)) return new Outcome(true, NOTHING + "mount on " + directory + " here");
        ProcessRunner.Result r = runner.run(List.of("umount", "-l", directory), COMMAND_LIMIT);
        if (r.ok() || !MountTable.ofThisProcess().contains(directory)) return new Outcome(true, "mount on " + directory + " detached");
        return new Outcome(false, "mount on " + directory + " NOT detached: " + r.describe());
    }

    private ProcessRunner.Result ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        return runner.run(argv, COMMAND_LIMIT);
    }
}
