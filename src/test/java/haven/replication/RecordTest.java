package haven.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RecordTest {
    @Test
    void aRecordSurvivesItsEncoding() {
        Record r = new Record(Record.Op.RENAME, 42, 1, 0, "a/b", "c/d", new byte[0]);
        Record back = Record.decode(body(r.encode()));
        assertThat(back.op()).isEqualTo(Record.Op.RENAME);
        assertThat(back.seq()).isEqualTo(42);
        assertThat(back.path()).isEqualTo("a/b");
        assertThat(back.path2()).isEqualTo("c/d");
        assertThat(back.touched()).containsExactly("a/b", "c/d");
        Record write = Record.decode(body(new Record(Record.Op.WRITE, 7, 4096, 0, "f", "", "data".getBytes(StandardCharsets.UTF_8)).encode()));
        assertThat(new String(write.data(), StandardCharsets.UTF_8)).isEqualTo("data");
        assertThat(write.a()).isEqualTo(4096);
    }

    @Test
    void pathsThatCouldLeaveTheDirectoryAreRefused() {
        for (String bad : new String[] {"/etc/passwd", "../x", "a/../../x", "a//b", "a/./b", "", "a/"}) {
            assertThatThrownBy(() -> new Record(Record.Op.UNLINK, 1, 0, 0, bad, "", new byte[0]))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad.isEmpty() ? "relative" : "'" + bad + "'");
        }
        assertThatThrownBy(() -> new Record(Record.Op.LINK, 1, 0, 0, "a", "../../etc/shadow", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        // A symlink's target is what the link says, not a path the replica writes to.
        assertThat(new Record(Record.Op.SYMLINK, 1, 0, 0, "link", "../outside", new byte[0]).path2()).isEqualTo("../outside");
        assertThat(new Record(Record.Op.FSYNC, 1, 0, 0, ".", "", new byte[0]).touched()).isEmpty();
    }

    @Test
    void lengthsThatDoNotAddUpAndUnknownOperationsAreRefused() {
        byte[] body = body(new Record(Record.Op.WRITE, 1, 0, 0, "f", "", new byte[10]).encode());
        assertThatThrownBy(() -> Record.decode(Arrays.copyOf(body, body.length - 1))).hasMessageContaining("do not add up");
        assertThatThrownBy(() -> Record.decode(new byte[5])).hasMessageContaining("shorter than its header");
        byte[] unknown = body.clone();
        unknown[0] = 99;
        assertThatThrownBy(() -> Record.decode(unknown)).hasMessageContaining("unknown replication operation 99");
    }

    private static byte[] body(byte[] encoded) {
        return encoded; // encode() gives the body: the length travels in front of it on the wire
    }
}
