package haven.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Signals to single processes, always by PID, with what /proc says about them. Never by name: other
 * people's processes on this host (other labs, other tests) may carry the same name.
 */
public final class Pids {
    private Pids() {}

    /** True if the process exists and is not a zombie (a zombie is dead, only not yet reaped). */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return state(stat) != 'Z' && state(stat) != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** True if the process is stopped by a signal (SIGSTOP). */
    public static boolean stopped(long pid) {
        try {
            return state(Files.readString(Path.of("/proc", Long.toString(pid), "stat"))) == 'T';
        } catch (IOException e) {
            return false;
        }
    }

    /** Start time in clock ticks since boot (field 22 of /proc/PID/stat): with the PID, a process's identity. */
    public static Optional<Long> startTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // The command name (field 2) may contain spaces and parentheses; fields after it follow the last ')'.
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(rest[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static char state(String stat) {
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }

    /** argv of a process, or an empty list if it is gone. */
    public static List<String> cmdline(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String s = new String(raw, StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : List.of(s.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Resident set size in kB (VmRSS), if the process exists. */
    public static Optional<Long> rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone between listing and reading
        }
        return Optional.empty();
    }

    /** Sends a signal (KILL, TERM, STOP, CONT) to one process; false if it did not exist. */
    public static boolean signal(long pid, String signal) {
        // TERM and KILL in-process (no fork, so a power-loss fault hits all of a node's processes within
        // microseconds of each other); STOP and CONT have no Java API and go through kill(1).
        if (signal.equals("KILL") || signal.equals("TERM")) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            return h.isPresent() && (signal.equals("KILL") ? h.get().destroyForcibly() : h.get().destroy());
        }
        return Exec.run(Duration.ofSeconds(5), "kill", "-s", signal, Long.toString(pid)).ok();
    }

    /**
     * SIGTERM to every process, then SIGKILL to those still alive after {@code grace}; waits up to
     * 5 s more for them to be gone. Stopped processes get SIGCONT after SIGTERM, or they could not act on it.
     */
    public static void terminate(Collection<Long> pids, Duration grace) {
        List<Long> live = pids.stream().filter(Pids::alive).toList();
        if (live.isEmpty()) {
            return;
        }
        live.forEach(p -> signal(p, "TERM"));
        live.forEach(p -> signal(p, "CONT"));
        if (!waitGone(live, grace)) {
            live.stream().filter(Pids::alive).forEach(p -> signal(p, "KILL"));
            waitGone(live, Duration.ofSeconds(5));
        }
    }

    /** SIGKILL to every process, then waits up to 5 s for them to be gone. */
    public static void kill(Collection<Long> pids) {
        pids.forEach(p -> signal(p, "KILL"));
        waitGone(pids, Duration.ofSeconds(5));
    }

    /** Waits until none of the processes is alive; false on timeout. */
    public static boolean waitGone(Collection<Long> pids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (pids.stream().anyMatch(Pids::alive)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(20);
        }
        return true;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }
}
