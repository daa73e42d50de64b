package haven.core;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Modes for what the daemon keeps on disk: its state folder holds the Raft log (every committed config,
 * cluster key included), the derived transport keystore and the timeline, so files are 0600 and folders
 * 0700, owned by the user the daemon runs as (root). Folders and files left by older versions (0644 in
 * 0755) are tightened when the daemon starts. The process umask cannot be set from Java, so files made by
 * libraries (jgroups-raft's log) are tightened after they appear; the 0700 folder around them keeps others
 * out meanwhile. On a file system without POSIX modes nothing is changed.
 */
public final class PrivateFiles {
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {}

    /** The attribute that creates a file as 0600 (for {@code Files.createFile}, {@code FileChannel.open}). */
    public static FileAttribute<Set<PosixFilePermission>> fileAttribute() {
        return PosixFilePermissions.asFileAttribute(FILE_MODE);
    }

    /** Creates {@code dir} (and missing parents) as 0700, or makes an existing one 0700. */
    public static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
        }
        setMode(dir, DIR_MODE);
        return dir;
    }

    /** A program the daemon keeps in its state folder (its crm_master stand-ins): private, and still runnable. */
    public static final Set<PosixFilePermission> PROGRAM_MODE = PosixFilePermissions.fromString("rwx------");

    /**
     * Every folder under {@code root} (itself included) 0700, every regular file 0600, or 0700 if its owner may run
     * it; links are left alone.
     */
    public static void tightenTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                setMode(dir, DIR_MODE);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    setMode(file, ownerMayRun(file) ? PROGRAM_MODE : FILE_MODE);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static boolean ownerMayRun(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private static void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
        try {
            if (!Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS).equals(mode)) {
                Files.setPosixFilePermissions(path, mode);
            }
        } catch (UnsupportedOperationException e) {
            // no POSIX modes here (not a Linux file system); there is nothing to tighten
        }
    }
}
