package haven.cts;

import static org.assertj.core.api.Assertions.assertThat;

import haven.lab.ProbeResult;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutageTest {
    private static final long MS = 1_000_000;

    private static ProbeResult ok(long startMs, long endMs) {
        return new ProbeResult(startMs * MS, endMs * MS, true, "served by n1");
    }

    private static ProbeResult fail(long startMs, long endMs) {
        return new ProbeResult(startMs * MS, endMs * MS, false, "ConnectException");
    }

    @Test
    void noFailedRequestIsNoOutage() {
        assertThat(Outage.longestMs(List.of(ok(0, 2), ok(10, 12), ok(20, 22)), 0, 30 * MS)).isZero();
    }

    @Test
    void anOutageRunsFromTheFirstFailedRequestToTheAnswerOfTheNextGoodOne() {
        // Answered out of order: the request sent at 20 hangs until 320; the one sent at 40 is the first good one.
        List<ProbeResult> r = List.of(ok(0, 2), fail(20, 320), fail(30, 330), ok(40, 45), fail(100, 110), ok(110, 111));
        assertThat(Outage.longestMs(r, 0, 1_000 * MS)).isEqualTo(25);
    }

    @Test
    void anOutageStillOpenAtTheEndRunsToTheEnd() {
        assertThat(Outage.longestMs(List.of(ok(0, 2), fail(10, 20)), 0, 500 * MS)).isEqualTo(490);
    }

    @Test
    void requestsSentOutsideTheWindowDoNotCount() {
        assertThat(Outage.longestMs(List.of(fail(0, 5), ok(10, 12)), 5 * MS, 50 * MS)).isZero();
    }
}
