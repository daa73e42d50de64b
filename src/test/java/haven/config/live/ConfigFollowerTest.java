package haven.config.live;

import static org.assertj.core.api.Assertions.assertThat;

import haven.daemon.ConfigFollower;
import haven.cib.ConfigRevision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node takes each committed config: written to its file (the old one kept as .prev) and handed to the core. */
class ConfigFollowerTest {
    record Change(long version, ConfigDiff diff) {}

    @TempDir
    Path dir;
    final List<String> log = new CopyOnWriteArrayList<>();
    final LinkedBlockingQueue<Change> changes = new LinkedBlockingQueue<>();

    ConfigFollower follower(Path file, String text) {
        return new ConfigFollower(LiveConfigs.parse(text), text, Optional.of(file), ReloadRules.NEVER, log::add,
                (v, c, d) -> changes.add(new Change(v, d)));
    }

    @Test
    void aNodeStartedWithAnOlderFileTakesTheCommittedConfigAndSaysSo() throws Exception {
        Path file = dir.resolve("haven.yaml");
        String old = LiveConfigs.web();
        Files.writeString(file, old);
        String committed = LiveConfigs.web("sleep 2000", "", "");
        try (ConfigFollower f = follower(file, old)) {
            f.observe(ConfigRevision.of(3, committed));
            Change c = changes.poll(5, TimeUnit.SECONDS);
            assertThat(c).isNotNull();
            assertThat(c.version()).isEqualTo(3);
            assertThat(c.diff().stopped()).containsExactly(haven.core.ResourceId.of("site"));
        }
        assertThat(Files.readString(file)).isEqualTo(committed);
        assertThat(Files.readString(dir.resolve("haven.yaml.prev"))).isEqualTo(old);
        assertThat(log).singleElement().asString().contains("differs from the cluster's committed config version 3",
                "missed a change", "haven.yaml.prev");
    }

    @Test
    void aRunningNodeTakesAChangeWithoutCallingItMissedAndIgnoresWhatItHasSeen() throws Exception {
        Path file = dir.resolve("haven.yaml");
        String text = LiveConfigs.web();
        Files.writeString(file, text);
        try (ConfigFollower f = follower(file, text)) {
            f.observe(ConfigRevision.NONE);
            String next = LiveConfigs.web("sleep 2000", "", "");
            f.observe(ConfigRevision.of(1, next));
            f.observe(ConfigRevision.of(1, next));
            assertThat(changes.poll(5, TimeUnit.SECONDS)).isNotNull();
            assertThat(changes.poll(300, TimeUnit.MILLISECONDS)).as("the same version once").isNull();
            assertThat(f.text()).isEqualTo(next);
        }
        assertThat(log).isEmpty();
    }

    @Test
    void aFileThatIsAlreadyTheCommittedConfigChangesNothing() throws Exception {
        Path file = dir.resolve("haven.yaml");
        String text = LiveConfigs.web();
        Files.writeString(file, text);
        try (ConfigFollower f = follower(file, text)) {
            f.observe(ConfigRevision.of(4, text));
            assertThat(changes.poll(300, TimeUnit.MILLISECONDS)).isNull();
        }
        assertThat(dir.resolve("haven.yaml.prev")).doesNotExist();
        assertThat(log).isEmpty();
    }
}
