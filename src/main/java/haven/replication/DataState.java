package haven.replication;

import haven.core.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What a node knows of its copy of a replicated directory, kept on disk so that it outlives the daemon: the newest
 * primary generation the copy came from (a primary of an older one is refused), whether this node was that primary,
 * and whether the copy is whole (false while catching up, or after the primary dropped this replica).
 *
 * <p>It gives the promotion score: a whole copy from a newer generation ranks higher, the primary of a generation
 * above its replicas (it had everything they had, and maybe more); a copy that is not whole is never promoted.
 */
public record DataState(long generation, boolean primary, boolean whole) {
    /** A directory that never saw a primary: whole, as the administrator filled it. */
    static final DataState FRESH = new DataState(0, false, true);
    private static final long MAX_GENERATION = 1L << 40;

    public long score() {
        if (!whole) return -1;
        return (Math.min(generation, MAX_GENERATION) << 2) | (primary ? 2 : 1);
    }

    static DataState read(Path file) throws IOException {
        if (!Files.exists(file)) return FRESH;
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        try {
            return new DataState(Long.parseLong(p.getProperty("generation", "0")), Boolean.parseBoolean(p.getProperty("primary")),
                    Boolean.parseBoolean(p.getProperty("whole")));
        } catch (NumberFormatException e) {
            throw new IOException(file + ": generation is not a number; delete the file to make the copy count as never replicated", e);
        }
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        AtomicFile.replace(file, "generation=" + generation + "\nprimary=" + primary + "\nwhole=" + whole + "\n");
    }
}
