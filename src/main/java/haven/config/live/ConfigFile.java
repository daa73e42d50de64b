package haven.config.live;

import haven.core.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's config file, rewritten when a change is committed: the file as it was goes to {@code FILE.prev}
 * first, then the new text replaces the file atomically (temp file, fsync, rename), so a crash leaves the
 * old or the new config, never half of one, and the last one by hand is one {@code mv} away.
 */
public final class ConfigFile {
    private ConfigFile() {}

    public static Path prev(Path file) {
        return file.resolveSibling(file.getFileName() + ".prev");
    }

    public static void write(Path file, String text) throws IOException {
        if (Files.isRegularFile(file)) AtomicFile.replace(prev(file), Files.readString(file));
        AtomicFile.replace(file, text);
    }
}
