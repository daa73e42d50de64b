package haven.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * CPU time (utime + stime from /proc/PID/stat) of each node's daemon JVM and the guard JVM it started,
 * over a window: what the node costs the machine, as top or a fleet's monitoring would see it. Sampled
 * again and again (not only at both ends) so that a process that exits within the window (a restarted
 * guard) still counts with what it used until its last sample; one that starts within it counts from
 * zero, start-up included, since a restart is a real cost.
 */
final class CpuMeter {
    /** USER_HZ: the unit of /proc/PID/stat's times; 100 on every Linux architecture that haven runs on. */
    private static final double TICKS_PER_SECOND = 100.0;


    private final Supplier<Map<Integer, Long>> daemons;
    private final long startNanos;
    /** Per node, per PID (daemon or guard): ticks at the first and the latest sample. */
    private final Map<Integer, Map<Long, long[]>> seen = new HashMap<>();

    /** {@code daemons}: node number → daemon PID, for the daemons that run now. */
    CpuMeter(Supplier<Map<Integer, Long>> daemons) {
        this.daemons = daemons;
        this.startNanos = System.nanoTime();
        sample(true);
    }

    void sample() {
        sample(false);
    }

    private void sample(boolean first) {
        daemons.get().forEach((node, pid) -> {
            Map<Long, long[]> pids = seen.computeIfAbsent(node, n -> new HashMap<>());
            List<Long> family = new ArrayList<>();
            family.add(pid);
            // Only the guard: the services the daemon starts (the lab's web server) are not the daemon's cost.
            ProcessHandle.of(pid).ifPresent(p -> p.descendants().filter(c -> RssSampler.isGuard(Pids.cmdline(c.pid())))
                    .forEach(c -> family.add(c.pid())));
            for (long p : family) {
                long ticks = ticks(p);
                if (ticks < 0) continue;
                long[] t = pids.get(p);
                if (t == null) pids.put(p, new long[] {first ? ticks : 0, ticks});
                else t[1] = ticks;
            }
        });
    }

    /** Per node, CPU seconds per minute over the window so far. */
    Map<Integer, Double> perMinute() {
        sample(false);
        double minutes = (System.nanoTime() - startNanos) / 60e9;
        Map<Integer, Double> out = new LinkedHashMap<>();
        seen.keySet().stream().sorted().forEach(node -> {
            long ticks = seen.get(node).values().stream().mapToLong(t -> t[1] - t[0]).sum();
            out.put(node, minutes <= 0 ? 0 : ticks / TICKS_PER_SECOND / minutes);
        });
        return out;
    }

    /** utime + stime of one process in ticks, or -1 if it is gone. */
    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces and parentheses) follow the last ')'.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
