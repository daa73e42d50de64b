package haven.timeline;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import haven.core.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The node's copy of the timeline on disk: JSON lines appended to {@code timeline.jsonl}, forced to disk by
 * {@link #sync} (the owner calls it in batches, not per record: the records can be rebuilt from the cluster
 * log, so losing the last few hundred milliseconds in a crash costs little). When the file passes
 * {@code maxBytes} it becomes {@code timeline.1.jsonl} (replacing the one before), so the journal holds
 * between one and two files' worth of the newest records and never grows without bound.
 *
 * <p>A crash can leave a torn last line; opening cuts it off. Thread safety: every method is synchronized.
 */
public final class TimelineJournal implements AutoCloseable {
    public static final String FILE = "timeline.jsonl";
    public static final String ROTATED = "timeline.1.jsonl";
    /** The last version applied, records or not (an entry may change nothing), so a restart knows where it was. */
    public static final String APPLIED = "timeline.applied";
    public static final long DEFAULT_MAX_BYTES = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> LINE = new TypeReference<>() {};

    private final Path dir;
    private final long maxBytes;
    private FileChannel out;
    private boolean dirty;
    private long lastVersion;
    private long applied;
    private boolean appliedDirty;

    public TimelineJournal(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        try {
            // Records name nodes, resources and who did what: for root's eyes (0700 folder, 0600 files), also
            // when an older version left them readable.
            PrivateFiles.directory(dir);
            PrivateFiles.tightenTree(dir);
            out = FileChannel.open(dir.resolve(FILE), Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ), PrivateFiles.fileAttribute());
            cutTornLine();
            out.position(out.size());
            lastVersion = readLastVersion();
            Path a = dir.resolve(APPLIED);
            applied = Files.exists(a) ? parseApplied(Files.readString(a)) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the timeline journal in " + dir + " (check that the state directory is"
                    + " writable)", e);
        }
    }

    /** The version of the newest record held; 0 for an empty journal. Entries up to it are already recorded. */
    public synchronized long lastVersion() {
        return lastVersion;
    }

    /** The newest version this node applied and recorded (its records, if it had any, are in the journal). */
    public synchronized long appliedVersion() {
        return Math.max(applied, lastVersion);
    }

    public synchronized void applied(long version) {
        if (version > applied) {
            applied = version;
            appliedDirty = true;
        }
    }

    private static long parseApplied(String s) {
        try {
            return Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0; // damaged: the journal's last record still says where it was, give or take entries without records
        }
    }

    public synchronized void append(List<TimelineRecord> records) {
        if (records.isEmpty()) return;
        StringBuilder b = new StringBuilder();
        for (TimelineRecord r : records) {
            try {
                b.append(JSON.writeValueAsString(r.toMap())).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            ByteBuffer bytes = ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) out.write(bytes);
            dirty = true;
            lastVersion = Math.max(lastVersion, records.get(records.size() - 1).version());
            if (out.size() >= maxBytes) rotate();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the timeline journal in " + dir, e);
        }
    }

    /** Forces what was appended since the last call to disk. */
    public synchronized void sync() {
        try {
            if (appliedDirty) {
                Path tmp = dir.resolve(APPLIED + ".tmp");
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PrivateFiles.fileAttribute());
                Files.writeString(tmp, Long.toString(applied));
                Files.move(tmp, dir.resolve(APPLIED), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                appliedDirty = false;
            }
            if (!dirty) return;
            out.force(false);
            dirty = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot sync the timeline journal in " + dir, e);
        }
    }

    /** Every record held, oldest first. */
    public synchronized List<TimelineRecord> readAll() {
        List<TimelineRecord> all = new ArrayList<>();
        try {
            for (Path p : List.of(dir.resolve(ROTATED), dir.resolve(FILE))) {
                if (!Files.exists(p)) continue;
                for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                    if (line.isBlank()) continue;
                    try {
                        all.add(TimelineRecord.fromMap(JSON.readValue(line, LINE)));
                    } catch (IOException | RuntimeException unreadable) {
                        // a line written by hand or damaged on disk: the rest of the journal still reads
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the timeline journal in " + dir, e);
        }
        return all;
    }

    private void rotate() throws IOException {
        out.force(false);
        out.close();
        Files.move(dir.resolve(FILE), dir.resolve(ROTATED), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        out = FileChannel.open(dir.resolve(FILE), Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ), PrivateFiles.fileAttribute());
        dirty = false;
    }

    private void cutTornLine() throws IOException {
        long size = out.size();
        long keep = size;
        ByteBuffer one = ByteBuffer.allocate(1);
        while (keep > 0) {
            one.clear();
            out.read(one, keep - 1);
            if (one.get(0) == '\n') break;
            keep--;
        }
        if (keep < size) out.truncate(keep);
    }

    private long readLastVersion() throws IOException {
        for (Path p : List.of(dir.resolve(FILE), dir.resolve(ROTATED))) {
            if (!Files.exists(p) || Files.size(p) == 0) continue;
            List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).isBlank()) continue;
                try {
                    return ((Number) JSON.readValue(lines.get(i), LINE).get("version")).longValue();
                } catch (IOException | RuntimeException torn) {
                    // an unreadable line (a torn write in the rotated file): look further back
                }
            }
        }
        return 0;
    }

    @Override
    public synchronized void close() {
        try {
            sync();
            out.close();
        } catch (IOException | UncheckedIOException e) {
            // closing at shutdown: the records are rebuilt from the cluster log if any were lost
        }
    }
}
