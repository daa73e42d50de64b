package haven.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApplierTest {
    @TempDir
    Path root;
    private long seq;

    private Record r(Record.Op op, long a, String path, String path2, String data) {
        return new Record(op, ++seq, a, 0, path, path2, data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void recordsRebuildWhatThePrimaryDid() throws Exception {
        Applier a = new Applier(root);
        a.apply(r(Record.Op.MKDIR, 0755, "d", "", ""));
        a.apply(r(Record.Op.CREATE, 0640, "d/f", "", ""));
        a.apply(r(Record.Op.WRITE, 0, "d/f", "", "hello world"));
        a.apply(r(Record.Op.TRUNCATE, 5, "d/f", "", ""));
        a.apply(r(Record.Op.RENAME, 0, "d/f", "g", ""));
        a.apply(r(Record.Op.SYMLINK, 0, "l", "g", ""));
        a.apply(r(Record.Op.FSYNC, 0, "g", "", ""));
        a.flush();
        a.closeAll();
        assertThat(Files.readString(root.resolve("g"))).isEqualTo("hello");
        assertThat(Files.readSymbolicLink(root.resolve("l"))).isEqualTo(Path.of("g"));
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("g")))).isEqualTo("rw-r-----");
        assertThat(a.tolerated()).isZero();
    }

    @Test
    void aRecordWhoseWorkIsDoneAlreadyIsPassedOverAndCounted() throws Exception {
        Applier a = new Applier(root);
        Files.createDirectory(root.resolve("d"));
        a.apply(r(Record.Op.MKDIR, 0755, "d", "", ""));
        a.apply(r(Record.Op.UNLINK, 0, "gone", "", ""));
        a.apply(r(Record.Op.WRITE, 0, "missing", "", "x"));
        assertThat(a.tolerated()).isEqualTo(3);
    }

    @Test
    void keptAsideIsACopyOfTheTreeAsItWas() throws Exception {
        Applier a = new Applier(root.resolve("data"));
        Files.createDirectories(root.resolve("data/sub"));
        Files.writeString(root.resolve("data/sub/x"), "mine");
        a.keepAside("sub", root.resolve("aside"));
        a.delete("sub");
        assertThat(root.resolve("data/sub")).doesNotExist();
        assertThat(Files.readString(root.resolve("aside/sub/x"))).isEqualTo("mine");
    }
}
