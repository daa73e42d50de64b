package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;

import haven.membership.jgroups.FollowerWatch.LeaderLog;
import haven.membership.jgroups.FollowerWatch.Progress;
import haven.membership.jgroups.FollowerWatch.Repair;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FollowerWatchTest {
    private static final long PATIENCE = 300;
    /** A leader that holds its whole log 1..265 and committed 260. */
    private static final LeaderLog WHOLE = new LeaderLog(260, 265, 1, i -> i >= 1 && i <= 265);

    private final FollowerWatch<String> watch = new FollowerWatch<>(PATIENCE);

    @Test
    void aFollowerInStepIsLeftAlone() {
        for (long t = 0; t <= 10 * PATIENCE; t += 100) {
            assertThat(watch.decide("n2", new Progress(265, 266, 260), WHOLE, t)).isEmpty();
        }
    }

    @Test
    void anEmptyFollowerWhoseNextIndexRanAheadIsSentEverythingAfterThePatience() {
        Progress empty = new Progress(0, 265, 0);
        assertThat(watch.decide("n3", empty, WHOLE, 0)).isEmpty();
        assertThat(watch.decide("n3", empty, WHOLE, PATIENCE - 1)).isEmpty();
        assertThat(watch.decide("n3", empty, WHOLE, PATIENCE)).map(Repair::nextIndex).contains(1L);
        // the resend gets a patience of its own before the next repair
        assertThat(watch.decide("n3", new Progress(0, 1, 0), WHOLE, PATIENCE + 1)).isEmpty();
    }

    @Test
    void aShorterLogIsSentTheEntryAfterItsMatch() {
        Progress shorter = new Progress(200, 266, 200);
        watch.decide("n3", shorter, WHOLE, 0);
        assertThat(watch.decide("n3", shorter, WHOLE, PATIENCE)).map(Repair::nextIndex).contains(201L);
    }

    @Test
    void aFollowerHoldingUncheckedEntriesIsSentThemAgainFromItsCommit() {
        // a divergent or unchecked tail: it answered up to the log's end, but its commit stays behind
        Progress unchecked = new Progress(265, 266, 250);
        assertThat(watch.decide("n3", unchecked, WHOLE, 0)).isEmpty();
        Optional<Repair> r = watch.decide("n3", unchecked, WHOLE, PATIENCE);
        assertThat(r).map(Repair::nextIndex).contains(251L);
        assertThat(r.get().why()).contains("has not committed");
    }

    @Test
    void aFollowerWhoseMatchWasTruncatedAwayGetsTheSnapshot() {
        LeaderLog truncated = new LeaderLog(900, 905, 800, i -> i >= 800 && i <= 905);
        Progress old = new Progress(100, 101, 100);
        watch.decide("n3", old, truncated, 0);
        Optional<Repair> r = watch.decide("n3", old, truncated, PATIENCE);
        assertThat(r).map(Repair::nextIndex).as("below the log's start: RAFT sends its snapshot").contains(799L);
        assertThat(r.get().why()).contains("snapshot");
    }

    @Test
    void aFollowerThatCatchesUpWithinThePatienceIsNotRepaired() {
        watch.decide("n3", new Progress(200, 266, 200), WHOLE, 0);
        assertThat(watch.decide("n3", new Progress(265, 266, 260), WHOLE, PATIENCE)).isEmpty();
        // lagging again later: its patience starts anew
        assertThat(watch.decide("n3", new Progress(264, 266, 260), WHOLE, PATIENCE + 50)).isEmpty();
    }

    @Test
    void forgottenFollowersStartTheirPatienceAgain() {
        Progress empty = new Progress(0, 265, 0);
        watch.decide("n3", empty, WHOLE, 0);
        watch.retain(List.of("n2"));
        assertThat(watch.decide("n3", empty, WHOLE, PATIENCE)).isEmpty();
        watch.decide("n3", empty, WHOLE, PATIENCE);
        watch.clear();
        assertThat(watch.decide("n3", empty, WHOLE, 2 * PATIENCE - 1)).isEmpty();
    }

    @Test
    void resendStartsAfterAHeldEntryOrAtTheSnapshot() {
        assertThat(WHOLE.resendFrom(0)).isEqualTo(1);
        assertThat(WHOLE.resendFrom(200)).isEqualTo(201);
        LeaderLog truncated = new LeaderLog(900, 905, 800, i -> i >= 800 && i <= 905);
        assertThat(truncated.resendFrom(100)).isEqualTo(799);
        assertThat(truncated.resendFrom(850)).isEqualTo(851);
    }
}
