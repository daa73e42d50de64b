package haven.cib;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The committed config is a compare-and-set on its version: a change made against an old one is skipped. */
class ConfigRevisionTest {
    static Command.SetConfig change(long base, String text) {
        return new Command.SetConfig(base, text, ConfigRevision.sha256(text));
    }

    @Test
    void eachChangeMadeAgainstTheCurrentVersionCommitsTheNext() {
        ClusterState s = ClusterState.EMPTY.apply(List.of(change(0, "a: 1\n")));
        assertThat(s.config()).isEqualTo(ConfigRevision.of(1, "a: 1\n"));
        s = s.apply(List.of(change(1, "a: 2\n")));
        assertThat(s.config().version()).isEqualTo(2);
        assertThat(s.config().text()).isEqualTo("a: 2\n");
    }

    @Test
    void aChangeMadeAgainstAnOldVersionChangesNothing() {
        ClusterState one = ClusterState.EMPTY.apply(List.of(change(0, "a: 1\n")));
        ClusterState late = one.apply(List.of(change(0, "a: other\n")));
        assertThat(late.config()).isEqualTo(one.config());
        assertThat(late.version()).as("the entry still counts as applied").isEqualTo(one.version() + 1);
    }

    @Test
    void otherCommandsCarryTheConfigAlong() {
        ClusterState s = ClusterState.EMPTY.apply(List.of(change(0, "a: 1\n")))
                .apply(List.of(new Command.SetStandby(haven.core.NodeId.of("n1"), true)));
        assertThat(s.config().version()).isEqualTo(1);
    }

    @Test
    void theConfigSurvivesASnapshotAndOldSnapshotsHaveNone() throws Exception {
        ClusterState s = ClusterState.EMPTY.apply(List.of(change(0, "a: 1\n")));
        assertThat(Codec.decodeState(Codec.encodeState(s))).isEqualTo(s);
        String old = new String(Codec.encodeState(ClusterState.EMPTY), StandardCharsets.UTF_8).replaceAll(",\"config\":\\{[^}]*\\}", "");
        assertThat(old).doesNotContain("config");
        assertThat(Codec.decodeState(old.getBytes(StandardCharsets.UTF_8)).config()).isEqualTo(ConfigRevision.NONE);
    }
}
