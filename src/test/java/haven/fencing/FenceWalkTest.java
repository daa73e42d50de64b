package haven.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.fence.FenceDevice;
import haven.config.fence.FenceLevel;
import haven.config.fence.FencingTopology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** The level walk alone: which device runs next for each answer, with no agent and no clock. */
class FenceWalkTest {
    private static FenceDevice device(String name) {
        return FenceDevice.namedPlugs(name, "fence_x", Map.of(), List.of("n1", "n2"), Duration.ofSeconds(5), Duration.ZERO);
    }

    /** Level 1: ipmi; level 2: psu1 and psu2 together. */
    private static final FencingTopology TOPOLOGY = new FencingTopology(List.of(device("ipmi"), device("psu1"), device("psu2")),
            Map.of("n1", List.of(FenceLevel.of(1, "ipmi"), FenceLevel.of(2, "psu1", "psu2"))));

    /** Drives a walk to its end; {@code fails} says which runs (device action) fail. Returns the runs and the end. */
    private static List<String> drive(FenceWalk w, Predicate<FenceWalk.RunDevice> fails) {
        List<String> runs = new ArrayList<>();
        long now = 100;
        FenceWalk.Next next = w.next();
        while (next instanceof FenceWalk.RunDevice r) {
            runs.add(r.level().index() + ":" + r.device().name() + " " + r.action());
            now += 10;
            next = w.report(fails.test(r) ? Optional.of(r.device().name() + " timed out") : Optional.empty(), now);
        }
        runs.add(switch (next) {
            case FenceWalk.Fenced f -> "fenced by " + f.level().index() + " in " + f.tookMs();
            case FenceWalk.NotFenced n -> "not fenced: " + n.summary();
            case FenceWalk.RunDevice r -> throw new AssertionError();
        });
        return runs;
    }

    @Test
    void theFirstLevelThatSucceedsFencesAndTheRestIsNotRun() {
        assertThat(drive(FenceWalk.start(TOPOLOGY, "n1", FenceAction.OFF, 100), r -> false))
                .containsExactly("1:ipmi off", "fenced by 1 in 10");
    }

    @Test
    void aFailedLevelGivesWayToTheNextWhereEveryDeviceMustSucceed() {
        assertThat(drive(FenceWalk.start(TOPOLOGY, "n1", FenceAction.OFF, 100), r -> r.device().name().equals("ipmi")))
                .containsExactly("1:ipmi off", "2:psu1 off", "2:psu2 off", "fenced by 2 in 30");
        assertThat(drive(FenceWalk.start(TOPOLOGY, "n1", FenceAction.OFF, 100), r -> !r.device().name().equals("psu2")))
                .containsExactly("1:ipmi off", "2:psu1 off", "not fenced: n1 could not be fenced (off): level 1: ipmi timed out;"
                        + " level 2: psu1 timed out");
    }

    @Test
    void aRebootOfSeveralDevicesIsOffOnAllThenOnOnAllAndAFailedPowerOnDoesNotUndoTheFencing() {
        assertThat(drive(FenceWalk.start(TOPOLOGY, "n1", FenceAction.REBOOT, 100),
                r -> r.device().name().equals("ipmi") || r.action() == FenceAction.ON))
                .containsExactly("1:ipmi reboot", "2:psu1 off", "2:psu2 off", "2:psu1 on", "2:psu2 on", "fenced by 2 in 50");
    }

    @Test
    void aTargetNoDeviceCanFenceEndsAtOnceSayingWhatToAdd() {
        FenceWalk w = FenceWalk.start(TOPOLOGY, "n2", FenceAction.OFF, 100);
        assertThat(w.next()).isInstanceOfSatisfying(FenceWalk.NotFenced.class,
                n -> assertThat(n.summary()).contains("no fence device can fence n2").contains("add a device that lists n2"));
        assertThatThrownBy(() -> w.report(Optional.empty(), 200)).isInstanceOf(IllegalStateException.class).hasMessageContaining("over");
    }

    @Test
    void onlyOffRebootOrOnFenceANode() {
        assertThatThrownBy(() -> FenceWalk.start(TOPOLOGY, "n1", FenceAction.STATUS, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("off, reboot or on");
    }
}
