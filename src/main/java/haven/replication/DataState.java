package haven.replication;

import haven.core.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a node knows of its copy of a replicated directory, kept on disk so that it outlives the daemon: the newest
 * primary generation the copy came from (a primary of an older one is refused), the sync epoch within it, whether
 * this node was that primary, and whether the copy is whole (false while catching up, after the primary dropped
 * this replica, or once a peer was found to be newer).
 *
 * <p>The epoch grows whenever the primary loses an in-sync replica: before it confirms a write without that replica
 * it has every remaining one record the new epoch, so a replica that was left behind has an older epoch than every
 * copy with writes it lacks, whether or not it heard that it was left. The promotion score orders copies by
 * (generation, epoch), the primary of an epoch above its replicas (it had everything they had, and maybe more); a
 * copy that is not whole is never promoted.
 */
public record DataState(long generation, long epoch, boolean primary, boolean whole) {
    /** A directory that never saw a primary: whole, as the administrator filled it. */
    static final DataState FRESH = new DataState(0, 0, false, true);
    private static final long MAX_GENERATION = 9_000_000_000_000L;
    private static final long MAX_EPOCH = 99_999;

    /**
     * Written so that an administrator reads it in `haven why`: generation × 1,000,000 + epoch × 10 + 2 for the
     * primary, 1 for a replica (7000021: generation 7, epoch 2, a replica); -1 when not whole.
     */
    public long score() {
        if (!whole) return -1;
        return Math.min(generation, MAX_GENERATION) * 1_000_000 + Math.min(epoch, MAX_EPOCH) * 10 + (primary ? 2 : 1);
    }

    /** Whether this copy holds writes that {@code other} may lack: a newer generation, or a newer epoch of the same. */
    boolean newerThan(DataState other) {
        return generation != other.generation ? generation > other.generation : epoch > other.epoch;
    }

    DataState withWhole(boolean isWhole) {
        return new DataState(generation, epoch, primary, isWhole);
    }

    static DataState read(Path file) throws IOException {
        if (!Files.exists(file)) return FRESH;
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        try {
            return new DataState(Long.parseLong(p.getProperty("generation", "0")), Long.parseLong(p.getProperty("epoch", "0")),
                    Boolean.parseBoolean(p.getProperty("primary")), Boolean.parseBoolean(p.getProperty("whole")));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": generation or epoch is not a number; delete the file to make the copy count as never replicated", e);
        }
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFile.replace(file, "generation=" + generation + "\nepoch=" + epoch + "\nprimary=" + primary + "\nwhole=" + whole + "\n");
    }
}
