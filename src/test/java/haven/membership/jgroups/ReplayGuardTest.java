package haven.membership.jgroups;

import static haven.membership.jgroups.ReplayGuard.Verdict.BEHIND_WINDOW;
import static haven.membership.jgroups.ReplayGuard.Verdict.NEW;
import static haven.membership.jgroups.ReplayGuard.Verdict.NEW_EPOCH;
import static haven.membership.jgroups.ReplayGuard.Verdict.OLD_EPOCH;
import static haven.membership.jgroups.ReplayGuard.Verdict.REPLAYED;
import static haven.membership.jgroups.ReplayGuard.Verdict.STALE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private final ReplayGuard guard = new ReplayGuard(400);

    @Test
    void eachCounterIsAcceptedOnceAndLateOnesWithinTheWindowStillCount() {
        assertThat(guard.check("n1", 5, 1, 0, 1000)).isEqualTo(NEW_EPOCH);
        assertThat(guard.check("n1", 5, 3, 1, 1001)).isEqualTo(NEW);
        assertThat(guard.check("n1", 5, 2, 1, 1001)).as("reordered, not seen yet").isEqualTo(NEW);
        assertThat(guard.check("n1", 5, 2, 1, 1002)).isEqualTo(REPLAYED);
        assertThat(guard.check("n1", 5, 3, 1, 1002)).isEqualTo(REPLAYED);
        assertThat(guard.check("n1", 5, 1, 0, 1002)).isEqualTo(REPLAYED);
    }

    @Test
    void countersThatFellBehindTheWindowAreRefusedAndMarksSurviveShifts() {
        guard.check("n1", 5, 1, 0, 0);
        for (long c = 2; c <= 1500; c += 7) assertThat(guard.check("n1", 5, c, 0, 0)).isEqualTo(NEW);
        long top = 1500 - (1500 - 2) % 7;
        assertThat(guard.check("n1", 5, top - ReplayGuard.WINDOW, 0, 0)).isEqualTo(BEHIND_WINDOW);
        assertThat(guard.check("n1", 5, top - 7, 0, 0)).isEqualTo(REPLAYED);
        assertThat(guard.check("n1", 5, top - 7 * 100, 0, 0)).isEqualTo(REPLAYED);
        assertThat(guard.check("n1", 5, top - 1, 0, 0)).isEqualTo(NEW);
        assertThat(guard.check("n1", 5, top + 5000, 0, 0)).as("a jump past the whole window").isEqualTo(NEW);
        assertThat(guard.check("n1", 5, top + 5000 - 1, 0, 0)).isEqualTo(NEW);
        assertThat(guard.check("n1", 5, top, 0, 0)).isEqualTo(BEHIND_WINDOW);
    }

    @Test
    void aRestartedSenderIsAcceptedAndItsEarlierBootIsNotAnymore() {
        guard.check("n1", 5, 900, 0, 0);
        assertThat(guard.check("n1", 6, 1, 0, 10)).isEqualTo(NEW_EPOCH);
        assertThat(guard.check("n1", 5, 901, 10, 10)).isEqualTo(OLD_EPOCH);
        assertThat(guard.check("n2", 5, 1, 0, 10)).as("senders are independent").isEqualTo(NEW_EPOCH);
        assertThat(guard.highestEpochs()).isEqualTo(Map.of("n1", 6L, "n2", 5L));
    }

    @Test
    void afterThisNodeRestartsTheRecordedEpochsStillHold() {
        guard.floor("n1", 6);
        assertThat(guard.check("n1", 5, 1, 0, 0)).isEqualTo(OLD_EPOCH);
        assertThat(guard.check("n1", 6, 40, 0, 0)).as("the same boot as before, nothing recorded of its counters").isEqualTo(NEW);
        assertThat(guard.check("n1", 7, 1, 0, 0)).isEqualTo(NEW_EPOCH);
    }

    @Test
    void aDatagramHeldBackLongerThanTheBoundIsStaleWhateverTheClockOffset() {
        // The sender's clock is 1,000,000 ms behind ours; transit is 2 ms.
        assertThat(guard.check("n1", 5, 1, 0, 1_000_002)).isEqualTo(NEW_EPOCH);
        assertThat(guard.check("n1", 5, 2, 100, 1_000_102)).isEqualTo(NEW);
        assertThat(guard.check("n1", 5, 3, 200, 1_000_202 + 400)).as("400 ms late: at the bound").isEqualTo(NEW);
        assertThat(guard.check("n1", 5, 4, 300, 1_000_302 + 401)).isEqualTo(STALE);
        assertThat(guard.check("n1", 5, 4, 800, 1_000_802)).as("a stale refusal does not burn the counter").isEqualTo(NEW);
    }

    @Test
    void aFasterTransitLowersTheBaseSoLaterReplaysOfSlowOnesAreCaught() {
        guard.check("n1", 5, 1, 0, 300); // first seen 300 ms after sending: all we know
        assertThat(guard.check("n1", 5, 2, 1000, 1002)).isEqualTo(NEW); // base now 2
        assertThat(guard.check("n1", 5, 3, 1100, 1102 + 399)).isEqualTo(NEW);
        assertThat(guard.check("n1", 5, 4, 1200, 1202 + 420)).isEqualTo(STALE);
    }

    @Test
    void clocksDriftingApartWithinTheAllowanceKeepBeingAccepted() {
        // Our clock runs 500 ppm faster than the sender's for a day, one datagram a second.
        long sent = 0;
        guard.check("n1", 5, 1, 0, 0);
        for (long c = 2; c <= 86_400; c++) {
            sent += 1000;
            long received = (long) (sent * 1.0005);
            assertThat(guard.check("n1", 5, c, sent, received)).as("datagram %d", c).isEqualTo(NEW);
        }
    }
}
