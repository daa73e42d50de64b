package haven.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Replaces a file's content so that a reader (or a crash) sees either the old file or the new one, never
 * half of each: write a temp file beside it, fsync, rename over, fsync the folder. A config may hold the
 * cluster key, so a new file is 0600; a replaced one keeps its owner, group and the owner's and group's
 * bits (an administrator may share it with a group of operators with chgrp and chmod 640), but never
 * keeps others' bits: every write tightens a file an older version or an editor left world-readable.
 */
public final class AtomicFile {
    private AtomicFile() {}

    public static void replace(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".new");
        try {
            PosixFileAttributeView view = Files.getFileAttributeView(temp, PosixFileAttributeView.class);
            if (Files.exists(file) && view != null) {
                PosixFileAttributes old = Files.readAttributes(file, PosixFileAttributes.class);
                Set<PosixFilePermission> mode = EnumSet.noneOf(PosixFilePermission.class);
                mode.addAll(old.permissions());
                mode.removeAll(EnumSet.of(PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
                        PosixFilePermission.OTHERS_EXECUTE));
                view.setPermissions(mode);
                try {
                    view.setOwner(old.owner());
                    view.setGroup(old.group());
                } catch (IOException e) {
                    // not root: the file stays ours, which is who is editing it anyway
                }
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) ch.write(bytes);
                ch.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename " + temp + " over " + file + " atomically: " + e.getMessage(), e);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot sync a folder; the rename itself is already atomic
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
