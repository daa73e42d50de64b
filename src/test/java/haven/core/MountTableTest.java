package haven.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Mount points as proc(5)'s mountinfo gives them, escapes undone. */
class MountTableTest {
    @Test
    void theFifthFieldOfEachLineWithOctalEscapesUndone() {
        List<String> lines = List.of(
                "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
                "52 48 7:0 / /srv/my\\040data rw,relatime - ext4 /dev/loop0 rw",
                "53 48 0:40 / /tmp/x\\134y rw - tmpfs none rw",
                "garbage");
        assertThat(MountTable.parse(lines)).containsExactly("/", "/srv/my data", "/tmp/x\\y");
    }

    @Test
    void thisProcessSeesTheRootAndAGoneProcessSeesNothing() {
        assertThat(MountTable.ofThisProcess()).contains("/");
        assertThat(MountTable.ofProcess(Long.MAX_VALUE)).isEmpty();
    }
}
