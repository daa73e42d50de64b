package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootEpochTest {
    @TempDir
    Path dir;

    @Test
    void grows_atEveryStart_evenWhenTheClockIsSetBack() throws Exception {
        assertThat(BootEpoch.next(dir, 5000)).isEqualTo(5000);
        assertThat(BootEpoch.next(dir, 4000)).isEqualTo(5001);
        assertThat(BootEpoch.next(dir, 9000)).isEqualTo(9000);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("seal-epoch")))).isEqualTo("rw-------");
    }

    @Test
    void aDamagedEpochFileIsAnErrorNamingTheFile() throws Exception {
        Files.writeString(dir.resolve("seal-epoch"), "garbage");
        assertThatThrownBy(() -> BootEpoch.next(dir, 1)).hasMessageContaining("seal-epoch");
    }

    @Test
    void peerEpochsSurviveARestart() throws Exception {
        assertThat(BootEpoch.readPeers(dir)).isEmpty();
        BootEpoch.writePeers(dir, Map.of("n1", 17L, "n2", 4L));
        assertThat(BootEpoch.readPeers(dir)).isEqualTo(Map.of("n1", 17L, "n2", 4L));
    }
}
