package haven.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/**
 * A resource's process group recorded in a file by the started process itself, before it runs the command:
 * {@link #launcher} writes the shell's own pid (the group's id, since setsid made it the leader) and only then
 * execs the command. The file's path is known before the start, so a guard told the path can end a start whose
 * group the daemon died before reporting, and a restarted daemon finds what its previous run left. The
 * environment marker ({@link MarkedProcesses}) cannot do this for programs that write their title over their
 * environment (nginx, postgres).
 *
 * <p>A stale file (the group ended while no daemon ran) must not name another group that took the same id: a
 * group counts only while its leader started no later than the file was written (2 s slack for the boot
 * time's whole seconds), or, once the leader is gone, while members remain (a group id is not reused then).
 */
public final class RecordedGroup {
    private static final long SLACK_MS = 2000;
    private static final Duration POLL = Duration.ofMillis(5);
    private final Path file;

    public RecordedGroup(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /** argv that records the group in {@code file}, then runs {@code command} with /bin/sh -c in its place. */
    public static List<String> launcher(Path file, String command) {
        return List.of("/bin/sh", "-c", "echo $$ > \"$0\" || exit 126; exec /bin/sh -c \"$1\"", file.toAbsolutePath().toString(), command);
    }

    /** The recorded group's id while it has living members and the record is not stale; else empty. */
    public OptionalLong pgid() {
        long pgid;
        long writtenMs;
        try {
            pgid = Long.parseLong(Files.readString(file).strip());
            writtenMs = Files.getLastModifiedTime(file).toMillis();
        } catch (IOException | NumberFormatException missingOrTorn) {
            return OptionalLong.empty();
        }
        if (pgid <= 1 || ProcessGroup.membersOf(pgid).isEmpty()) return OptionalLong.empty();
        ProcStat leader = ProcStat.read(pgid);
        boolean leaderAlive = leader != null && !leader.zombie() && leader.pgrp() == pgid;
        if (leaderAlive && startedAtMs(leader) > writtenMs + SLACK_MS) return OptionalLong.empty();
        return OptionalLong.of(pgid);
    }

    /** Living members of the recorded group (none when the record is stale or missing). */
    public List<Long> members() {
        OptionalLong g = pgid();
        return g.isEmpty() ? List.of() : ProcessGroup.membersOf(g.getAsLong());
    }

    /**
     * SIGTERM to the recorded group, up to {@code grace}, then SIGKILL up to {@code killWait}; true when nothing of
     * it is left. The record is removed once the group is gone.
     */
    public boolean terminate(Duration grace, Duration killWait) {
        OptionalLong g = pgid();
        boolean gone = true;
        if (g.isPresent()) {
            long pgid = g.getAsLong();
            if (!grace.isZero()) {
                ProcessGroup.signalGroup(pgid, ProcessGroup.Signal.TERM);
                gone = awaitEmpty(pgid, grace);
            } else {
                gone = false;
            }
            if (!gone) {
                ProcessGroup.signalGroup(pgid, ProcessGroup.Signal.KILL);
                gone = awaitEmpty(pgid, killWait);
            }
        }
        if (gone) forget();
        return gone;
    }

    /** Removes the record (the group it names has ended). */
    public void forget() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A record left behind is harmless: a stale one names no living group.
        }
    }

    private static boolean awaitEmpty(long pgid, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!ProcessGroup.membersOf(pgid).isEmpty()) {
            if (System.nanoTime() >= deadline) return false;
            ProcessGroup.sleep(POLL);
        }
        return true;
    }

    private static long startedAtMs(ProcStat stat) {
        return bootTimeMs() + stat.startTicks() * 1000 / ProcStat.TICKS_PER_SECOND;
    }

    private static long bootTimeMs() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("btime ")) return Long.parseLong(line.substring(6).strip()) * 1000;
            }
        } catch (IOException | NumberFormatException e) {
            // fall through: treat the leader as started at boot, which never makes a record stale
        }
        return 0;
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
