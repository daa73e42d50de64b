package haven.process;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process started as the leader of its own process group, and the means to end the whole group.
 *
 * <p>Why a group: a resource's command forks (a shell, nginx workers, a script's children). Killing only
 * the process we started leaves the rest running, holding ports and files, and a restart then fails. The
 * child is launched through util-linux {@code setsid}, which calls setsid(2) and execs the command in the
 * same process, so the pid we hold is the group id (checked at start). Members that start a session of
 * their own (daemons that detach) leave the group and are out of our reach: commands must stay in the
 * foreground.
 *
 * <p>Thread safety: immutable apart from the OS process; all methods may be called from any thread.
 * Every wait is bounded by the Duration it is given.
 */
public final class ProcessGroup {
    private static final System.Logger LOG = System.getLogger(ProcessGroup.class.getName());
    private static final Duration POLL = Duration.ofMillis(5);
    /** setsid(2) runs microseconds after exec; a second means something is badly wrong. */
    private static final Duration GROUP_CHECK_LIMIT = Duration.ofSeconds(1);
    private static final Duration KILL_COMMAND_LIMIT = Duration.ofSeconds(2);
    private static final String SETSID = firstExisting("/usr/bin/setsid", "/bin/setsid");
    private static final String KILL = firstExisting("/usr/bin/kill", "/bin/kill");

    public enum Signal { TERM, KILL }

    private final Process process;
    private final long pgid;

    private ProcessGroup(Process process) {
        this.process = process;
        this.pgid = process.pid();
    }

    /**
     * Starts {@code builder}'s command as the leader of a new process group (and session). The builder's
     * command is left unchanged. Throws IOException when the program cannot be started or when the
     * child did not become a group leader.
     */
    public static ProcessGroup start(ProcessBuilder builder) throws IOException {
        if (SETSID == null) {
            throw new IOException("setsid not found in /usr/bin or /bin: install util-linux");
        }
        List<String> original = builder.command();
        List<String> argv = new ArrayList<>(original.size() + 1);
        argv.add(SETSID);
        argv.addAll(original);
        Process p;
        try {
            p = builder.command(argv).start();
        } finally {
            builder.command(original);
        }
        ProcessGroup group = new ProcessGroup(p);
        group.checkOwnGroup();
        return group;
    }

    private void checkOwnGroup() throws IOException {
        long deadline = System.nanoTime() + GROUP_CHECK_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            ProcStat stat = ProcStat.read(pgid);
            if (stat == null || stat.zombie()) return; // already gone: nothing left to place in a group
            if (stat.pgrp() == pgid) return;
            sleep(Duration.ofMillis(1));
        }
        process.destroyForcibly();
        throw new IOException("process " + pgid + " did not become a process group leader within "
                + GROUP_CHECK_LIMIT.toMillis() + " ms: setsid must exec in place (is the daemon itself a group leader?)");
    }

    public Process process() {
        return process;
    }

    /** The process group id, equal to the leader's pid. */
    public long pgid() {
        return pgid;
    }

    /** Pids of the group's members that have not exited (zombies count as exited). */
    public List<Long> livingMembers() {
        return membersOf(pgid);
    }

    public boolean isEmpty() {
        return livingMembers().isEmpty();
    }

    /** Waits until no member is left; false if some remain after {@code limit}. */
    public boolean awaitEmpty(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            if (isEmpty()) return true;
            if (System.nanoTime() >= deadline) return false;
            sleep(POLL);
        }
    }

    /**
     * Sends {@code signal} to every member: first to the group as a whole with kill(1) (atomic, so a member
     * forking at that moment cannot slip through), then to each member still found in /proc, which also
     * covers a host without kill(1).
     */
    public void signal(Signal signal) {
        signalGroup(pgid, signal);
    }

    /**
     * {@link #signal} for a group known only by its id, as the guard knows the groups of a daemon that died.
     * A group id is not handed to a new process while any member of the group lives, so signalling an id
     * whose group has members reaches exactly that group.
     */
    public static void signalGroup(long pgid, Signal signal) {
        if (pgid <= 1) throw new IllegalArgumentException("refusing to signal process group " + pgid);
        if (membersOf(pgid).isEmpty()) return;
        if (KILL != null) {
            try {
                Process kill = new ProcessBuilder(KILL, "-s", signal.name(), "--", "-" + pgid)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!kill.waitFor(KILL_COMMAND_LIMIT.toMillis(), TimeUnit.MILLISECONDS)) kill.destroyForcibly();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot run " + KILL + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (long pid : membersOf(pgid)) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (signal == Signal.KILL) h.destroyForcibly(); else h.destroy();
            });
        }
    }

    /** SIGKILL to every member of group {@code pgid}; true when none is left after {@code killWait}. */
    public static boolean killGroup(long pgid, Duration killWait) {
        signalGroup(pgid, Signal.KILL);
        long deadline = System.nanoTime() + killWait.toNanos();
        while (!membersOf(pgid).isEmpty()) {
            if (System.nanoTime() >= deadline) return false;
            sleep(POLL);
        }
        return true;
    }

    /**
     * Ends the group: SIGTERM, wait up to {@code grace}, then SIGKILL and wait up to {@code killWait}.
     * Returns true when no member is left.
     */
    public boolean terminate(Duration grace, Duration killWait) {
        signal(Signal.TERM);
        if (awaitEmpty(grace)) return true;
        signal(Signal.KILL);
        return awaitEmpty(killWait);
    }

    /** Ends the group with SIGKILL at once; true when no member is left after {@code killWait}. */
    public boolean kill(Duration killWait) {
        signal(Signal.KILL);
        return awaitEmpty(killWait);
    }

    public static List<Long> membersOf(long pgid) {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path entry : dir) {
                String name = entry.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) continue;
                long pid;
                try {
                    pid = Long.parseLong(name);
                } catch (NumberFormatException e) {
                    continue;
                }
                ProcStat stat = ProcStat.read(pid);
                if (stat != null && stat.pgrp() == pgid && !stat.zombie()) pids.add(pid);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc to find members of process group " + pgid, e);
        }
        return pids;
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancelledException("interrupted while waiting");
        }
    }

    private static String firstExisting(String... paths) {
        for (String p : paths) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        return null;
    }

    /** Thrown when a thread is interrupted while it waits on a process group (the executor abandoned it). */
    public static final class CancelledException extends RuntimeException {
        public CancelledException(String message) {
            super(message);
        }
    }
}
