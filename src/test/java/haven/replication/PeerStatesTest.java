package haven.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which answering peer makes a copy step aside before its promotion. */
class PeerStatesTest {
    private static final DataState REPLICA = new DataState(5, 2, false, true);

    private static PeerStates.Peer peer(DataState state, long seq) {
        return new PeerStates.Peer("n3", state, seq);
    }

    @Test
    void aPeerAheadInTheSameEpochIsMoreCurrent() {
        assertThat(peer(REPLICA, 120).aheadOf(REPLICA, 100)).isTrue();
        assertThat(peer(REPLICA, 100).aheadOf(REPLICA, 100)).as("equal: neither steps aside").isFalse();
        assertThat(peer(REPLICA, 100).aheadOf(REPLICA, PeerStates.UNKNOWN)).as("a known position beats none").isTrue();
        assertThat(peer(REPLICA, PeerStates.UNKNOWN).aheadOf(REPLICA, 100)).isFalse();
        assertThat(peer(REPLICA, PeerStates.UNKNOWN).aheadOf(REPLICA, PeerStates.UNKNOWN)).isFalse();
    }

    @Test
    void positionsCompareOnlyWithinOneEpochOfOneGeneration() {
        assertThat(peer(new DataState(5, 1, false, true), 900).aheadOf(REPLICA, 100)).as("an older epoch").isFalse();
        assertThat(peer(new DataState(4, 2, false, true), 900).aheadOf(REPLICA, 100)).as("an older generation").isFalse();
        assertThat(peer(new DataState(5, 2, false, false), 900).aheadOf(REPLICA, 100)).as("not whole").isFalse();
        assertThat(peer(REPLICA, 900).aheadOf(new DataState(5, 2, true, true), PeerStates.UNKNOWN))
                .as("the epoch's primary had everything its replicas had").isFalse();
        assertThat(peer(new DataState(5, 3, false, true), 0).newerThan(REPLICA)).as("a newer epoch is newer, whatever its position").isTrue();
    }
}
