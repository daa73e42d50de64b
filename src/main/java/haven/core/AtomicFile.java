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

/**
 * Replaces a file's content so that a reader (or a crash) sees either the old file or the new one, never
 * half of each: write a temp file beside it, fsync, rename over, fsync the folder. The old file's mode and
 * owner carry over, since a config may hold the cluster key and be readable by root alone.
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
                view.setPermissions(old.permissions());
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
