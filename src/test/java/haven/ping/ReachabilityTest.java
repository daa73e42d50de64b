package haven.ping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReachabilityTest {
    @Test
    void aTargetGoesDownOnlyAfterEnoughFailuresInARowAndComesBackWithOneAnswer() {
        Reachability r = new Reachability(List.of("10.0.0.254", "10.0.0.253"), 3);
        assertThat(r.known()).isFalse();
        r.record("10.0.0.254", true);
        r.record("10.0.0.253", true);
        assertThat(r.known()).isTrue();
        assertThat(r.reachable()).isEqualTo(2);
        r.record("10.0.0.254", false);
        r.record("10.0.0.254", false);
        assertThat(r.reachable()).as("two lost echoes are noise").isEqualTo(2);
        r.record("10.0.0.254", false);
        assertThat(r.reachable()).isEqualTo(1);
        r.record("10.0.0.254", true);
        assertThat(r.reachable()).isEqualTo(2);
    }

    @Test
    void theFirstProbeDecidesAtOnce() {
        Reachability r = new Reachability(List.of("10.0.0.254"), 3);
        r.record("10.0.0.254", false);
        assertThat(r.known()).isTrue();
        assertThat(r.reachable()).isZero();
    }

    @Test
    void anUnknownTargetIsABug() {
        Reachability r = new Reachability(List.of("10.0.0.254"), 3);
        assertThatThrownBy(() -> r.record("10.9.9.9", true)).hasMessageContaining("not a ping node");
    }

    @Test
    void loopbackAnswersARealEcho() {
        assertThat(PingMonitor.echo("127.0.0.1")).isTrue();
    }
}
