package haven.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group id a launched process records itself, before its command runs, and how it is trusted. */
class RecordedGroupTest {
    @TempDir Path dir;
    private ProcessGroup group;

    @AfterEach
    void cleanUp() {
        if (group != null) group.kill(Duration.ofSeconds(2));
    }

    private RecordedGroup launch(String command) throws IOException, InterruptedException {
        Path file = dir.resolve("web.pgid");
        group = ProcessGroup.start(new ProcessBuilder(RecordedGroup.launcher(file, command)));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) Thread.sleep(5);
        return new RecordedGroup(file);
    }

    @Test
    void theLaunchedShellRecordsItsGroupBeforeTheCommandAndTheGroupCanBeEnded() throws Exception {
        RecordedGroup recorded = launch("sleep 600 & exec sleep 600");
        assertThat(recorded.pgid()).hasValue(group.pgid());
        assertThat(recorded.members()).contains(group.pgid()).hasSize(2);
        assertThat(recorded.terminate(Duration.ZERO, Duration.ofSeconds(2))).isTrue();
        assertThat(group.isEmpty()).isTrue();
        assertThat(recorded.file()).as("a group that ended is forgotten").doesNotExist();
        assertThat(recorded.pgid()).isEmpty();
    }

    @Test
    void aRecordOlderThanTheLivingLeaderNamesAnotherGroupAndIsNotTrusted() throws Exception {
        RecordedGroup recorded = launch("exec sleep 600");
        Files.setLastModifiedTime(recorded.file(), FileTime.from(Instant.now().minusSeconds(3600)));
        assertThat(recorded.pgid()).as("the leader started an hour after the record was written").isEmpty();
        assertThat(recorded.terminate(Duration.ZERO, Duration.ofSeconds(1))).isTrue();
        assertThat(group.isEmpty()).as("a stale record kills nothing").isFalse();
    }

    @Test
    void aMissingOrTornRecordNamesNothing() throws Exception {
        RecordedGroup recorded = new RecordedGroup(dir.resolve("none.pgid"));
        assertThat(recorded.pgid()).isEmpty();
        Files.writeString(recorded.file(), "12");
        assertThat(new RecordedGroup(recorded.file()).members()).isEmpty();
        Files.writeString(recorded.file(), "not a number");
        assertThat(recorded.pgid()).isEmpty();
    }

    @Test
    void aRecordThatCannotBeWrittenStopsTheCommandFromRunning() throws Exception {
        Path file = dir.resolve("no-such-folder/web.pgid");
        Path ran = dir.resolve("ran");
        group = ProcessGroup.start(new ProcessBuilder(RecordedGroup.launcher(file, "touch " + ran)).redirectErrorStream(true));
        assertThat(group.process().waitFor()).isEqualTo(126);
        assertThat(ran).doesNotExist();
    }
}
