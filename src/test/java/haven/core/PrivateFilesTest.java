package haven.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's folders are 0700 and its files 0600, also when an older version left them open. */
class PrivateFilesTest {
    @Test
    void newFoldersAreOwnerOnly(@TempDir Path dir) throws Exception {
        Path raft = PrivateFiles.directory(dir.resolve("state/raft"));
        assertThat(Files.getPosixFilePermissions(raft)).isEqualTo(PrivateFiles.DIR_MODE);
        assertThat(Files.getPosixFilePermissions(raft.getParent())).isEqualTo(PrivateFiles.DIR_MODE);
    }

    @Test
    void whatAnOlderVersionLeftOpenIsTightened(@TempDir Path dir) throws Exception {
        Path log = Files.createDirectories(dir.resolve("state/raft/n1.log"));
        Path entries = Files.writeString(log.resolve("entries.raft"), "the config, key included");
        Path target = Files.writeString(dir.resolve("elsewhere"), "not the daemon's");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path link = Files.createSymbolicLink(dir.resolve("state/link"), target);
        for (Path p : new Path[] {dir.resolve("state"), dir.resolve("state/raft"), log}) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setPosixFilePermissions(entries, PosixFilePermissions.fromString("rw-r--r--"));
        Path program = Files.writeString(Files.createDirectories(dir.resolve("state/sbin")).resolve("crm_master"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(program, PosixFilePermissions.fromString("rwxr-xr-x"));

        PrivateFiles.tightenTree(dir.resolve("state"));

        assertThat(Files.getPosixFilePermissions(program)).as("a program stays runnable, by its owner only").isEqualTo(PrivateFiles.PROGRAM_MODE);

        assertThat(Files.getPosixFilePermissions(entries)).isEqualTo(PrivateFiles.FILE_MODE);
        assertThat(Files.getPosixFilePermissions(log)).isEqualTo(PrivateFiles.DIR_MODE);
        assertThat(Files.getPosixFilePermissions(dir.resolve("state"))).isEqualTo(PrivateFiles.DIR_MODE);
        // A link is not followed: what it points at is not the daemon's to change.
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r--r--");
    }
}
