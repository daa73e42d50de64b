package haven.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LagMeterTest {
    @Test
    void aReplicaTrailsByTheBytesItHasNotConfirmedAndDelaysArePercentiles() {
        LagMeter m = new LagMeter();
        assertThat(m.delayMillis(50)).isEqualTo(-1);
        for (long seq = 1; seq <= 100; seq++) m.journaled(seq, 100, seq * 1_000_000L);
        assertThat(m.bytesAfter(100)).isZero();
        assertThat(m.bytesAfter(90)).isEqualTo(1000);
        for (long seq = 1; seq <= 100; seq++) m.confirmed(seq, seq * 1_000_000L + seq * 10_000L); // delay seq/100 ms
        assertThat(m.delayMillis(50)).isEqualTo(0.5);
        assertThat(m.delayMillis(99)).isEqualTo(0.99);
    }

    @Test
    void aReplicaBeyondTheWindowTrailsByAtLeastTheWindow() {
        LagMeter m = new LagMeter();
        for (long seq = 1; seq <= LagMeter.WINDOW + 10; seq++) m.journaled(seq, 1, seq);
        assertThat(m.bytesAfter(3)).isGreaterThanOrEqualTo(LagMeter.WINDOW - 1);
        m.confirmed(3, 10); // fell out of the window: no sample
        assertThat(m.delayMillis(50)).isEqualTo(-1);
    }
}
