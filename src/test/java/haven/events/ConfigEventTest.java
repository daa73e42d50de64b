package haven.events;

import static org.assertj.core.api.Assertions.assertThat;

import haven.api.Snapshots;
import haven.cib.Command;
import haven.cib.ConfigRevision;
import haven.core.EventTypes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A committed config change is one event on /ha/events, which alert hooks may subscribe to. */
class ConfigEventTest {
    @Test
    void aNewConfigVersionIsOneConfigEvent() {
        var before = Snapshots.status(Snapshots.state());
        var after = Snapshots.status(before.state().apply(List.of(new Command.SetConfig(0, "x: 1\n", ConfigRevision.sha256("x: 1\n")))));
        List<Change> changes = StatusDiff.between(before, after);
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.type()).isEqualTo("config");
            assertThat(c.text()).isEqualTo("config version 1 committed (was 0); every node applies it live");
        });
        assertThat(EventTypes.ALL).contains("config");
    }

    @Test
    void aStaleChangeThatWasSkippedIsNoEvent() {
        var one = Snapshots.status(Snapshots.state(new Command.SetConfig(0, "x: 1\n", ConfigRevision.sha256("x: 1\n"))));
        var skipped = Snapshots.status(one.state().apply(List.of(new Command.SetConfig(0, "x: 2\n", ConfigRevision.sha256("x: 2\n")))));
        assertThat(StatusDiff.between(one, skipped)).isEmpty();
    }
}
