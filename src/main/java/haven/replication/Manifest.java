package haven.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32C;

/**
 * What a directory holds, entry by entry, with a checksum of every file's content: what a replica tells the primary
 * when it connects, so that only what differs is copied (an unchanged file costs reading it on both sides, not
 * sending it).
 */
final class Manifest {
    enum Kind { FILE, DIRECTORY, LINK }

    record Entry(String path, Kind kind, int mode, long size, long checksum, String target) {
        void write(DataOutputStream out) throws IOException {
            out.writeUTF(path);
            out.writeByte(kind.ordinal());
            out.writeInt(mode);
            out.writeLong(size);
            out.writeLong(checksum);
            out.writeUTF(target);
        }

        static Entry read(DataInputStream in) throws IOException {
            String path = in.readUTF();
            Record.checkPath(path);
            int kind = in.readByte();
            if (kind < 0 || kind >= Kind.values().length) throw new IOException("manifest entry " + path + " of unknown kind " + kind);
            return new Entry(path, Kind.values()[kind], in.readInt(), in.readLong(), in.readLong(), in.readUTF());
        }
    }

    private Manifest() {}

    /** Every entry under {@code root} (not the root itself), by path. */
    static Map<String, Entry> of(Path root) throws IOException {
        return walk(root, root);
    }

    /** The entry {@code rel} of {@code root} and, for a directory, everything below it; empty when it is gone. */
    static Map<String, Entry> of(Path root, String rel) throws IOException {
        Path start = root.resolve(rel);
        if (!Files.exists(start, LinkOption.NOFOLLOW_LINKS)) return Map.of();
        return walk(root, start);
    }

    private static Map<String, Entry> walk(Path root, Path start) throws IOException {
        Map<String, Entry> out = new TreeMap<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) add(dir, attrs);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(file, attrs);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (Files.notExists(file, LinkOption.NOFOLLOW_LINKS)) return FileVisitResult.CONTINUE; // removed meanwhile
                throw e;
            }

            private void add(Path p, BasicFileAttributes attrs) throws IOException {
                String rel = root.relativize(p).toString();
                if (attrs.isSymbolicLink()) {
                    out.put(rel, new Entry(rel, Kind.LINK, 0, 0, 0, Files.readSymbolicLink(p).toString()));
                } else if (attrs.isDirectory()) {
                    out.put(rel, new Entry(rel, Kind.DIRECTORY, mode(p), 0, 0, ""));
                } else if (attrs.isRegularFile()) {
                    out.put(rel, new Entry(rel, Kind.FILE, mode(p), attrs.size(), checksum(p), ""));
                }
                // Sockets, pipes and devices are not data: not replicated.
            }
        });
        return out;
    }

    /** The paths of {@code replica} that {@code primary} lacks, outermost first and without what lies below them. */
    static List<String> extra(Map<String, Entry> primary, Map<String, Entry> replica) {
        List<String> out = new ArrayList<>();
        for (Entry e : replica.values()) {
            if (primary.containsKey(e.path()) && primary.get(e.path()).kind() == e.kind()) continue;
            if (!out.isEmpty() && e.path().startsWith(out.get(out.size() - 1) + "/")) continue;
            out.add(e.path());
        }
        return out;
    }

    /** The entries of {@code primary} the replica must be sent, parents before children. */
    static List<Entry> missing(Map<String, Entry> primary, Map<String, Entry> replica) {
        return primary.values().stream().filter(e -> !e.equals(replica.get(e.path()))).toList();
    }

    static int mode(Path p) throws IOException {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission perm : perms) mode |= 1 << (8 - perm.ordinal());
        return mode;
    }

    static long checksum(Path file) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            for (int n; (n = in.read(buf)) > 0; ) crc.update(buf, 0, n);
        }
        return crc.getValue();
    }
}
