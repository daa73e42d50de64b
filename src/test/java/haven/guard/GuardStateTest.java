package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.core.ResourceId;
import haven.core.ForceOff;
import java.util.List;
import org.junit.jupiter.api.Test;

class GuardStateTest {
    private static final ResourceId VIP = ResourceId.of("vip");
    private static final ResourceId SITE = ResourceId.of("site");

    @Test
    void messagesRoundTripThroughTheirLines() {
        List<GuardMessage> all = List.of(
                new GuardMessage.Arm(VIP, List.of(new ForceOff.RemoveAddress("10.0.0.5/24"))),
                new GuardMessage.Arm(SITE, List.of()),
                new GuardMessage.Arm(SITE, List.of(new ForceOff.KillGroup(4242))),
                new GuardMessage.Disarm(VIP),
                new GuardMessage.Deadline(123456789L),
                new GuardMessage.Shutdown(5L),
                new GuardMessage.Alive(),
                new GuardMessage.Bye());
        for (GuardMessage m : all) {
            assertThat(GuardMessage.parse(m.line())).isEqualTo(m);
        }
    }

    @Test
    void badLinesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> GuardMessage.parse("arm vip")).hasMessageContaining("expected arm RESOURCE STEP");
        assertThatThrownBy(() -> GuardMessage.parse("arm vip group:1")).hasMessageContaining("not a process group");
        assertThatThrownBy(() -> GuardMessage.parse("arm vip address:10.0.0.5")).hasMessageContaining("not an IPv4 address with prefix");
        assertThatThrownBy(() -> GuardMessage.parse("arm vip route:x")).hasMessageContaining("unknown step");
        assertThatThrownBy(() -> GuardMessage.parse("deadline soon")).hasMessageContaining("whole number");
        assertThatThrownBy(() -> GuardMessage.parse("reboot")).hasMessageContaining("unknown verb 'reboot'");
    }

    @Test
    void nothingArmedNeverFiresWhateverTheDeadline() {
        GuardState s = new GuardState(5_000, 0);
        s.heard(new GuardMessage.Deadline(100), 0);
        assertThat(s.deadlinePassed(10_000)).isFalse();
    }

    @Test
    void armedResourcesFireOncePerDeadlineAndStayArmedForTheLivingDaemon() {
        GuardState s = new GuardState(5_000, 0);
        s.heard(new GuardMessage.Deadline(450), 0);
        s.heard(new GuardMessage.Arm(VIP, List.of(new ForceOff.RemoveAddress("10.0.0.5/24"))), 10);
        assertThat(s.deadlinePassed(450)).isFalse();
        assertThat(s.sleepMs(300, 1_000)).isEqualTo(151);
        assertThat(s.deadlinePassed(451)).isTrue();
        assertThat(s.armedAtDeadline()).containsOnlyKeys(VIP);
        assertThat(s.deadlinePassed(452)).as("fired once for this deadline").isFalse();
        assertThat(s.anyArmed()).isTrue();
        s.heard(new GuardMessage.Deadline(900), 460);
        assertThat(s.deadlinePassed(901)).as("a later deadline can pass again").isTrue();
    }

    @Test
    void aDisarmedResourceIsNotForcedOff() {
        GuardState s = new GuardState(5_000, 0);
        s.heard(new GuardMessage.Arm(SITE, List.of(new ForceOff.KillGroup(77))), 0);
        s.heard(new GuardMessage.Disarm(SITE), 1);
        assertThat(s.deadlinePassed(10_000)).isFalse();
        assertThat(s.takeArmed()).isEmpty();
    }

    @Test
    void aSilentDaemonCountsAsHungAfterTheLimitButNotWhileItShutsDown() {
        GuardState s = new GuardState(5_000, 0);
        s.heard(new GuardMessage.Alive(), 1_000);
        assertThat(s.daemonHung(6_000)).isFalse();
        assertThat(s.daemonHung(6_001)).isTrue();
        s.heard(new GuardMessage.Shutdown(60_000), 6_001);
        assertThat(s.daemonHung(30_000)).isFalse();
    }

    @Test
    void byeEndsTheWatch() {
        GuardState s = new GuardState(5_000, 0);
        assertThat(s.heard(new GuardMessage.Alive(), 1)).isFalse();
        assertThat(s.heard(new GuardMessage.Bye(), 2)).isTrue();
    }
}
