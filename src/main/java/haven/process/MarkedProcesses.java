package haven.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes of one resource found by the marker in their environment ({@code HAVEN_RESOURCE=CLUSTER/NODE/RESOURCE}),
 * which every process a resource starts inherits, forks and detached daemons included. It reaches what a
 * process group id cannot: the processes of a start whose group the daemon died before telling its guard,
 * and those a restarted daemon finds left over from its previous run.
 *
 * <p>A program that clears its environment before exec (env -i, some init wrappers) drops the marker and is
 * out of this reach, as a detached daemon is out of a process group's.
 */
public final class MarkedProcesses {
    public static final String VARIABLE = "HAVEN_RESOURCE";
    private static final Duration POLL = Duration.ofMillis(5);
    private static final Duration EXEC_WAIT = Duration.ofMillis(100);
    private static final long KTHREADD = 2;

    private MarkedProcesses() {}

    /** The environment entry that marks {@code marker}'s processes. */
    public static String entry(String marker) {
        return VARIABLE + "=" + marker;
    }

    /** Living (not zombie) processes carrying {@code marker}, this JVM excepted. */
    public static List<Long> find(String marker) {
        return scan(marker).marked();
    }

    /**
     * What one look at /proc found: the marked processes, and how many read an empty environment though they are no
     * kernel threads, which is what a process shows in the middle of an exec (looked at again, it may be marked).
     */
    private record Scan(List<Long> marked, int unsure) {
        /**
         * None is marked, and none caught in an exec is left unread: looked at again until its environment reads (an
         * exec takes well under EXEC_WAIT; one that still reads empty then has no environment at all, so no marker).
         */
        boolean settled(long sinceNanos) {
            return marked.isEmpty() && (unsure == 0 || System.nanoTime() - sinceNanos >= EXEC_WAIT.toNanos());
        }
    }

    private static Scan scan(String marker) {
        byte[] needle = (entry(marker)).getBytes(StandardCharsets.UTF_8);
        int unsure = 0;
        long me = ProcessHandle.current().pid();
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : dir) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                long pid = Long.parseLong(name);
                if (pid == me) continue;
                byte[] env;
                try {
                    env = Files.readAllBytes(entry.resolve("environ"));
                } catch (IOException | SecurityException gone) {
                    continue; // exited meanwhile, or a kernel thread
                }
                if (holds(env, needle)) {
                    ProcStat stat = ProcStat.read(pid);
                    if (stat != null && !stat.zombie()) found.add(pid);
                } else if (env.length == 0) {
                    // Kernel threads have no environment at all: kthreadd (2) and its children.
                    ProcStat stat = ProcStat.read(pid);
                    if (stat != null && !stat.zombie() && pid != KTHREADD && stat.ppid() != KTHREADD) unsure++;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc to find processes marked " + entry(marker), e);
        }
        return new Scan(found, unsure);
    }

    /**
     * SIGTERM to every marked process, up to {@code grace} for them to go, then SIGKILL until none is left or
     * {@code killWait} has passed; true when none is left. Each marked group leader's whole group is signalled
     * too, so that a member forking meanwhile is reached.
     */
    public static boolean terminate(String marker, Duration grace, Duration killWait) {
        Scan first = scan(marker);
        if (first.marked().isEmpty() && first.unsure() == 0) return true;
        if (!grace.isZero()) {
            signalAll(marker, ProcessGroup.Signal.TERM);
            if (awaitNone(marker, grace)) return true;
        }
        return kill(marker, killWait).gone();
    }

    /** Waits until no marked process is left. */
    private static boolean awaitNone(String marker, Duration limit) {
        long start = System.nanoTime(), deadline = start + limit.toNanos();
        while (true) {
            Scan now = scan(marker);
            if (now.settled(start)) return true;
            if (System.nanoTime() >= deadline) return now.marked().isEmpty();
            ProcessGroup.sleep(POLL);
        }
    }

    /** The outcome of {@link #kill}: every process killed, and whether none marked is left. */
    public record Killed(List<Long> killed, boolean gone) {}

    /**
     * SIGKILL to every marked process (and the whole group of each marked group leader) until none is left, or
     * {@code killWait} has passed, looking again while a process caught in an exec might turn out marked.
     * IllegalStateException when /proc cannot be listed.
     */
    public static Killed kill(String marker, Duration killWait) {
        long start = System.nanoTime(), deadline = start + killWait.toNanos();
        java.util.Set<Long> killed = new java.util.LinkedHashSet<>();
        while (true) {
            Scan now = scan(marker);
            if (now.settled(start)) return new Killed(List.copyOf(killed), true);
            if (System.nanoTime() >= deadline) return new Killed(List.copyOf(killed), now.marked().isEmpty());
            killed.addAll(now.marked());
            signal(now.marked(), ProcessGroup.Signal.KILL);
            ProcessGroup.sleep(POLL);
        }
    }

    private static void signalAll(String marker, ProcessGroup.Signal signal) {
        signal(find(marker), signal);
    }

    private static void signal(List<Long> pids, ProcessGroup.Signal signal) {
        for (long pid : pids) {
            ProcStat stat = ProcStat.read(pid);
            if (stat != null && stat.pgrp() == pid && pid > 1) ProcessGroup.signalGroup(pid, signal);
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (signal == ProcessGroup.Signal.KILL) h.destroyForcibly(); else h.destroy();
            });
        }
    }

    /** Whether the NUL-separated environment {@code env} holds exactly the entry {@code needle}. */
    static boolean holds(byte[] env, byte[] needle) {
        int start = 0;
        for (int i = 0; i <= env.length; i++) {
            if (i == env.length || env[i] == 0) {
                if (i - start == needle.length && java.util.Arrays.equals(env, start, i, needle, 0, needle.length)) return true;
                start = i + 1;
            }
        }
        return false;
    }
}
