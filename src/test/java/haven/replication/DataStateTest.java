package haven.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataStateTest {
    @Test
    void newerGenerationsThenEpochsThenThePrimaryRankHigherAndAPartialCopyNever() {
        DataState replica = new DataState(5, 2, false, true);
        assertThat(new DataState(6, 1, false, true).score()).isGreaterThan(replica.score());
        assertThat(new DataState(5, 3, false, true).score()).isGreaterThan(replica.score());
        assertThat(new DataState(5, 2, true, true).score()).isGreaterThan(replica.score());
        assertThat(replica.score()).isGreaterThan(new DataState(5, 1, true, true).score());
        assertThat(new DataState(9, 9, true, false).score()).isNegative();
        assertThat(DataState.FRESH.score()).isPositive();
        assertThat(new DataState(7, 2, false, true).score()).as("readable in haven why").isEqualTo(7_000_021);
        assertThat(new DataState(5, 3, false, true).newerThan(replica)).isTrue();
        assertThat(replica.newerThan(new DataState(5, 2, true, true))).isFalse();
    }

    @Test
    void itSurvivesTheDiskAndAMissingFileIsAFreshCopy(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("meta/state");
        assertThat(DataState.read(file)).isEqualTo(DataState.FRESH);
        new DataState(7, 3, true, false).write(file);
        assertThat(DataState.read(file)).isEqualTo(new DataState(7, 3, true, false));
        Files.writeString(file, "generation=x\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> DataState.read(file)).hasMessageContaining("delete the file");
    }
}
