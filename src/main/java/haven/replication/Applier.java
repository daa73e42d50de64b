package haven.replication;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Applies a primary's changes to a replica's copy of the directory: records in their order, and whole entries
 * while catching up. Files stay open between writes (closed at any change of names, which could make a cached
 * handle point elsewhere); a sync record marks its file for the background flush instead of waiting for the disk,
 * so a replica confirms once the change is in its memory (see docs/replicated-dir.md for what that guarantees).
 *
 * <p>One thread applies; {@link #flush} may run on another.
 */
final class Applier {
    private static final int OPEN_FILES = 32;

    private final Path root;
    private final Map<String, FileChannel> open = new LinkedHashMap<>(OPEN_FILES, 0.75f, true);
    private final Set<String> dirty = new java.util.HashSet<>();
    private long tolerated;

    Applier(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    private Path at(String rel) {
        return rel.equals(".") ? root : root.resolve(rel);
    }

    /**
     * Applies {@code r}. A change that finds its work done already (a directory that exists, a name that is gone) is
     * counted in {@link #tolerated} and passed over: right after catching up, records that were in flight while the
     * copy was taken arrive for entries the copy already shows as they ended.
     */
    synchronized void apply(Record r) throws IOException {
        try {
            applyStrictly(r);
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            tolerated++;
        }
    }

    long tolerated() {
        return tolerated;
    }

    private void applyStrictly(Record r) throws IOException {
        switch (r.op()) {
            case WRITE -> channel(r.path()).write(ByteBuffer.wrap(r.data()), r.a());
            case TRUNCATE -> truncate(r.path(), r.a());
            case FSYNC -> dirty.add(r.path());
            default -> {
                closeAll();
                changeNames(r);
            }
        }
    }

    private void changeNames(Record r) throws IOException {
        Path p = at(r.path());
        switch (r.op()) {
            case CREATE -> {
                try {
                    Files.createFile(p);
                } catch (FileAlreadyExistsException ignored) {
                    // O_CREAT without O_EXCL opens an existing file
                }
                Files.setPosixFilePermissions(p, permissions((int) r.a()));
            }
            case MKDIR -> {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, permissions((int) r.a()));
            }
            case UNLINK -> Files.delete(p);
            case RMDIR -> Files.delete(p);
            case RENAME -> rename(p, at(r.path2()), r.a());
            case SYMLINK -> Files.createSymbolicLink(p, Path.of(r.path2()));
            case LINK -> Files.createLink(p, at(r.path2()));
            case CHMOD -> Files.setPosixFilePermissions(p, permissions((int) r.a()));
            case CHOWN -> chown(p, (int) r.a(), (int) r.b());
            case UTIMENS -> {
                var view = Files.getFileAttributeView(p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                view.setTimes(FileTime.from(r.b(), TimeUnit.NANOSECONDS), FileTime.from(r.a(), TimeUnit.NANOSECONDS), null);
            }
            default -> throw new IllegalStateException("not a change of names: " + r.op());
        }
    }

    /** renameat2 flags: 1 RENAME_NOREPLACE (checked on the primary already), 2 RENAME_EXCHANGE. */
    private void rename(Path from, Path to, long flags) throws IOException {
        if ((flags & 2) != 0) {
            Path aside = from.resolveSibling(".haven-rdir-exchange");
            Files.move(from, aside, StandardCopyOption.ATOMIC_MOVE);
            Files.move(to, from, StandardCopyOption.ATOMIC_MOVE);
            Files.move(aside, to, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void truncate(String rel, long size) throws IOException {
        FileChannel c = channel(rel);
        if (c.size() > size) c.truncate(size);
        else if (c.size() < size) c.write(ByteBuffer.allocate(1), size - 1);
    }

    private FileChannel channel(String rel) throws IOException {
        FileChannel c = open.get(rel);
        if (c != null) return c;
        if (open.size() >= OPEN_FILES) {
            var eldest = open.entrySet().iterator().next();
            force(eldest.getKey(), eldest.getValue());
            eldest.getValue().close();
            open.remove(eldest.getKey());
        }
        c = FileChannel.open(at(rel), StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        open.put(rel, c);
        return c;
    }

    /** Where a file's content is written while it is copied whole, beside the file (same filesystem, so it can be renamed). */
    Path partFor(String rel) {
        Path p = at(rel);
        return p.resolveSibling("." + p.getFileName() + ".haven-part");
    }

    /**
     * Puts a whole entry in place; a file's content was written to {@link #partFor} first and is renamed over the
     * file, so that no reader sees half of it.
     */
    synchronized void put(Manifest.Entry e, int uid, int gid, long mtimeNs) throws IOException {
        closeAll();
        Path p = at(e.path());
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && kindOf(p) != e.kind()) delete(e.path());
        switch (e.kind()) {
            case DIRECTORY -> {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(p);
                Files.setPosixFilePermissions(p, permissions(e.mode()));
            }
            case LINK -> {
                Files.deleteIfExists(p);
                Files.createSymbolicLink(p, Path.of(e.target()));
            }
            case FILE -> {
                Path part = partFor(e.path());
                Files.setPosixFilePermissions(part, permissions(e.mode()));
                Files.setLastModifiedTime(part, FileTime.from(mtimeNs, TimeUnit.NANOSECONDS));
                Files.move(part, p, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        chown(p, uid, gid);
    }

    synchronized void delete(String rel) throws IOException {
        closeAll();
        Path p = at(rel);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            Files.delete(p);
            return;
        }
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(all::add);
        }
        for (Path x : all) {
            try {
                Files.delete(x);
            } catch (NoSuchFileException | DirectoryNotEmptyException ignored) {
                // gone already, or filled meanwhile by nobody (a replica has no other writer): the walk decides
            }
        }
    }

    /** Keeps a copy of {@code rel} (file or tree) under {@code aside} before it is replaced or deleted. */
    synchronized void keepAside(String rel, Path aside) throws IOException {
        Path from = at(rel);
        if (!Files.exists(from, LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> all = new ArrayList<>();
        try (var walk = Files.walk(from)) {
            walk.forEach(all::add);
        }
        for (Path x : all) {
            Path to = aside.resolve(root.relativize(x).toString());
            Files.createDirectories(to.getParent());
            if (Files.isDirectory(x, LinkOption.NOFOLLOW_LINKS)) Files.createDirectories(to);
            else Files.copy(x, to, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
    }

    /** Writes the files that saw a sync record to disk; called about twice a second. */
    void flush() throws IOException {
        List<String> paths;
        synchronized (this) {
            paths = List.copyOf(dirty);
            dirty.clear();
        }
        for (String rel : paths) {
            Path p = at(rel);
            if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue;
            try (FileChannel c = FileChannel.open(p, StandardOpenOption.READ)) {
                c.force(true);
            } catch (NoSuchFileException ignored) {
                // removed since: nothing to write
            }
        }
    }

    synchronized void closeAll() throws IOException {
        for (var e : open.entrySet()) {
            if (dirty.contains(e.getKey())) force(e.getKey(), e.getValue());
            e.getValue().close();
        }
        open.clear();
    }

    private void force(String rel, FileChannel c) throws IOException {
        if (dirty.remove(rel)) c.force(true);
    }

    private static Manifest.Kind kindOf(Path p) {
        if (Files.isSymbolicLink(p)) return Manifest.Kind.LINK;
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? Manifest.Kind.DIRECTORY : Manifest.Kind.FILE;
    }

    private static void chown(Path p, int uid, int gid) throws IOException {
        if (uid >= 0) Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        if (gid >= 0) Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
        for (PosixFilePermission p : PosixFilePermission.values()) {
            if ((mode & (1 << (8 - p.ordinal()))) != 0) out.add(p);
        }
        return out;
    }
}
