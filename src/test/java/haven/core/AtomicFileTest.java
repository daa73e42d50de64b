package haven.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config written by haven (apply, `haven add`) is owner-only when new, and never keeps others' bits. */
class AtomicFileTest {
    @Test
    void aNewFileIsOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        AtomicFile.replace(file, "cluster: {}\n");
        assertThat(Files.readString(file)).isEqualTo("cluster: {}\n");
        assertThat(mode(file)).isEqualTo("rw-------");
    }

    @Test
    void aReplacedFileKeepsItsGroupBitsButLosesOthers(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("cluster.yaml"), "old\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        AtomicFile.replace(file, "new\n");
        assertThat(Files.readString(file)).isEqualTo("new\n");
        assertThat(mode(file)).isEqualTo("rw-r-----");
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(file); // no temp file left behind
        }
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
