package haven.node;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.NodeId;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The quorum lease and the view-confirmation rule that gates declaring a node lost. */
class LeaseTest {
    static final long LEASE_MS = 400;
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final NodeId N4 = NodeId.of("n4");
    static final NodeId N5 = NodeId.of("n5");
    static final List<NodeId> ALL3 = List.of(N1, N2, N3);

    /** n1's lease in a 3-node cluster (majority 2). */
    static Lease threeNodes() {
        return new Lease(N1, 2, LEASE_MS);
    }

    @Test
    void noLeaseWithoutAnyViewOrBeat() {
        Lease l = threeNodes();
        assertThat(l.valid(0)).isFalse();
        l.viewChanged("v1", ALL3, 0);
        assertThat(l.valid(0)).as("a view alone is not a lease: the peers must be heard").isFalse();
    }

    @Test
    void oneFreshPeerBeatMakesAMajorityOfThree() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 100);
        assertThat(l.valid(100)).isTrue();
    }

    @Test
    void fiveNodesNeedTwoFreshPeers() {
        List<NodeId> all5 = List.of(N1, N2, N3, N4, N5);
        Lease l = new Lease(N1, 3, LEASE_MS);
        l.viewChanged("v1", all5, 0);
        l.beat(N2, "v1", all5, 0, 10);
        l.beat(N2, "v1", all5, 0, 20);
        assertThat(l.valid(20)).as("two beats of one peer count once").isFalse();
        l.beat(N3, "v1", all5, 0, 30);
        assertThat(l.valid(30)).isTrue();
    }

    @Test
    void viewWithoutAMajorityOfConfiguredNodesHoldsNoLeaseWhateverTheBeats() {
        Lease l = new Lease(N1, 3, LEASE_MS);
        l.viewChanged("v1", List.of(N1, N2), 0);
        l.beat(N2, "v1", List.of(N1, N2), 0, 10);
        assertThat(l.valid(10)).isFalse();
    }

    @Test
    void viewThatDoesNotHoldThisNodeHoldsNoLease() {
        Lease l = threeNodes();
        l.viewChanged("v1", List.of(N2, N3), 0);
        l.beat(N2, "v1", List.of(N2, N3), 0, 10);
        assertThat(l.valid(10)).isFalse();
    }

    @Test
    void beatIsFreshForExactlyTheLeaseTime() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 1000);
        assertThat(l.valid(1000 + LEASE_MS)).isTrue();
        assertThat(l.valid(1000 + LEASE_MS + 1)).isFalse();
    }

    @Test
    void olderBeatDeliveredLateDoesNotShortenTheLease() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 1000);
        l.beat(N2, "v1", ALL3, 0, 500);
        assertThat(l.valid(1300)).isTrue();
    }

    @Test
    void peerThatDroppedThisNodeFromItsViewDoesNotRenewTheLease() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 100);
        l.beat(N2, "v2", List.of(N2, N3), 0, 450);
        // The earlier renewal still runs out at 100 + lease; the later beat does not extend it.
        assertThat(l.valid(500)).isTrue();
        assertThat(l.valid(100 + LEASE_MS + 1)).isFalse();
    }

    @Test
    void beatFromANodeOutsideThisNodesViewIsIgnored() {
        Lease l = threeNodes();
        l.viewChanged("v1", List.of(N1, N3), 0);
        l.beat(N2, "v0", ALL3, 9, 100);
        assertThat(l.valid(100)).isFalse();
        assertThat(l.freshVersion(N2, 100)).isEmpty();
    }

    @Test
    void newViewDropsBeatsOfNodesNoLongerInIt() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 100);
        l.viewChanged("v2", List.of(N1, N3), 150);
        l.viewChanged("v3", ALL3, 160);
        assertThat(l.valid(200)).as("n2's beat from before it left must not count after it returns").isFalse();
    }

    @Test
    void freshVersionIsTheHighestAnnouncedAndOnlyWhileFresh() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 7, 100);
        l.beat(N2, "v1", ALL3, 5, 120);
        assertThat(l.freshVersion(N2, 120)).isEqualTo(Optional.of(7L));
        assertThat(l.freshVersion(N2, 120 + LEASE_MS + 1)).isEmpty();
        assertThat(l.freshVersion(N3, 120)).isEmpty();
    }

    @Test
    void viewIsConfirmedOnlyOnceEveryPeerBeatWithTheSameViewKey() {
        Lease l = threeNodes();
        l.viewChanged("v2", ALL3, 1000);
        assertThat(l.viewConfirmedAtMs()).isEmpty();
        l.beat(N2, "v2", ALL3, 0, 1100);
        l.beat(N3, "v1", ALL3, 0, 1150);
        assertThat(l.viewConfirmedAtMs()).as("n3 still holds the old view").isEmpty();
        l.beat(N3, "v2", ALL3, 0, 1200);
        l.beat(N2, "v2", ALL3, 0, 1300);
        // The latest first confirmation: later beats do not push it back.
        assertThat(l.viewConfirmedAtMs()).isEqualTo(OptionalLong.of(1200));
    }

    @Test
    void viewConfirmationCountsEvenFromAPeerThatDoesNotListThisNode() {
        // Same view key means same membership; what the lease needs is different from what confirmation needs.
        Lease l = threeNodes();
        l.viewChanged("v2", List.of(N1, N2), 1000);
        l.beat(N2, "v2", List.of(N1, N2), 0, 1010);
        assertThat(l.viewConfirmedAtMs()).isEqualTo(OptionalLong.of(1010));
    }

    @Test
    void viewIsConfirmedAtItsOwnTimeWhenAlone() {
        Lease l = threeNodes();
        l.viewChanged("solo", List.of(N1), 700);
        assertThat(l.viewConfirmedAtMs()).isEqualTo(OptionalLong.of(700));
    }

    @Test
    void confirmationIsNeverEarlierThanTheViewItself() {
        Lease l = threeNodes();
        l.beat(N2, "v2", ALL3, 0, 900); // before this node installed v2: not a member yet, ignored
        l.viewChanged("v2", List.of(N1, N2), 1000);
        assertThat(l.viewConfirmedAtMs()).isEmpty();
        l.beat(N2, "v2", List.of(N1, N2), 0, 990); // stamped before the view installed here
        assertThat(l.viewConfirmedAtMs()).isEqualTo(OptionalLong.of(1000));
    }

    @Test
    void newViewForgetsEarlierConfirmations() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 10);
        l.beat(N3, "v1", ALL3, 0, 10);
        assertThat(l.viewConfirmedAtMs()).isPresent();
        l.viewChanged("v2", ALL3, 100);
        assertThat(l.viewConfirmedAtMs()).isEmpty();
    }

    @Test
    void aNodeBackInAPeersViewIsCountedUntilThatPeersBeatIsOlderThanTheLease() {
        Lease l = threeNodes();
        l.viewChanged("v2", List.of(N1, N2), 0); // n3 left this node's view
        l.beat(N2, "v2", List.of(N1, N2), 0, 100);
        assertThat(l.countedByAPeer(N3, 100)).isFalse();
        // n2 installed the view in which n3 rejoined before this node did: it renews n3's lease already.
        l.beat(N2, "v3", ALL3, 0, 200);
        assertThat(l.countedByAPeer(N3, 200)).isTrue();
        assertThat(l.countedByAPeer(N3, 200 + LEASE_MS)).isTrue();
        assertThat(l.countedByAPeer(N3, 201 + LEASE_MS)).isFalse();
        // A beat from a node outside this node's view counts for nothing.
        l.beat(N3, "v3", ALL3, 0, 300);
        assertThat(l.countedByAPeer(N3, 201 + LEASE_MS)).isFalse();
    }

    /**
     * The outside measurement (issue 13): n1 cut off one way at 1000 (it hears n2, n2 no longer hears it), its
     * loop stalled 1000-1370 while n2 still held it in view and beat every 80 ms. Read after the stall, those
     * queued beats echo n1's last beat n2 heard (sent at 960): the lease ends at 960 + lease, not 400 ms after
     * the reading.
     */
    @Test
    void beatsQueuedDuringAStallRenewOnlyFromTheOwnBeatTheyEcho() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        for (long t = 40; t <= 1000; t += 80) l.beat(N2, "v1", ALL3, 0, t, OptionalLong.of(t - 40));
        assertThat(l.validUntil(1000)).hasValue(960 + LEASE_MS);
        for (long sent = 1040; sent <= 1360; sent += 80) l.beat(N2, "v1", ALL3, 0, 1370, OptionalLong.of(960));
        assertThat(l.valid(1370)).as("queued beats prove nothing after 960").isFalse();
        assertThat(l.validUntil(1370)).isEmpty();
        assertThat(l.valid(960 + LEASE_MS)).isTrue();
    }

    @Test
    void withoutEchoesTheSameQueuedBeatsWouldRenewFromTheirReadingTime() {
        // What an older daemon's beats still do in a rolling upgrade, and what went wrong before echoes.
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 1370);
        assertThat(l.validUntil(1370)).hasValue(1370 + LEASE_MS);
    }

    @Test
    void anEchoFromTheFutureCountsAsTheReadingTime() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 500, OptionalLong.of(9_000));
        assertThat(l.validUntil(500)).hasValue(500 + LEASE_MS);
    }

    @Test
    void afterAFreezeOnlyEchoesOfBeatsSentAfterTheDrainRenew() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.frozen(2000, 160);
        l.beat(N2, "v1", ALL3, 0, 2200, OptionalLong.of(1990)); // read late enough, but echoes a pre-freeze beat
        assertThat(l.valid(2200)).isFalse();
        l.beat(N2, "v1", ALL3, 0, 2300, OptionalLong.of(2170));
        assertThat(l.validUntil(2300)).hasValue(2170 + LEASE_MS);
    }

    static final long LOST_AFTER_MS = 600;

    /** n1 and n2 heard n3 last at 1000; both drop it at 1500 (n2's beat of the new view read at 1550). */
    static Lease n3LeftAt1500(java.util.Map<NodeId, Long> n2Ages) {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 990);
        l.beat(N3, "v1", ALL3, 0, 1000);
        l.viewChanged("v2", List.of(N1, N2), 1500);
        l.beat(N2, "v2", List.of(N1, N2), 0, 1550, OptionalLong.empty(), n2Ages);
        return l;
    }

    @Test
    void aLostNodesWaitRunsFromTheLastMomentAnyMemberCouldRenewItsLease() {
        // n2 sent its beat 549 ms after it took in n3's last stamp: at most 1001 on n1's clock
        Lease l = n3LeftAt1500(java.util.Map.of(N3, 549L));
        assertThat(l.renewableUntilMs(N3)).isEqualTo(1001);
        assertThat(l.lost(ALL3, 1600, LOST_AFTER_MS)).isEmpty();
        assertThat(l.lost(ALL3, 1601, LOST_AFTER_MS)).as("not lease + margins after the confirmation at 1550").containsExactly(N3);
    }

    @Test
    void aPeerThatSaysNothingCountsUntilItsFirstBeatOfTheView() {
        Lease l = n3LeftAt1500(java.util.Map.of());
        assertThat(l.renewableUntilMs(N3)).as("an older daemon: as before, from its confirmation").isEqualTo(1550);
        assertThat(l.lost(ALL3, 2149, LOST_AFTER_MS)).isEmpty();
        assertThat(l.lost(ALL3, 2150, LOST_AFTER_MS)).containsExactly(N3);
    }

    @Test
    void anAgeNeverMovesTheAnchorPastTheConfirmation() {
        Lease l = n3LeftAt1500(java.util.Map.of(N3, 0L));
        assertThat(l.renewableUntilMs(N3)).isEqualTo(1550);
        l.beat(N2, "v2", List.of(N1, N2), 0, 1630, OptionalLong.empty(), java.util.Map.of(N3, 600L));
        assertThat(l.renewableUntilMs(N3)).as("the tightest of the peer's beats").isEqualTo(1030);
    }

    @Test
    void thisNodeCountsANodeItNeverHeardUntilItDroppedIt() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 990);
        l.viewChanged("v2", List.of(N1, N2), 1500);
        l.beat(N2, "v2", List.of(N1, N2), 0, 1550, OptionalLong.empty(), java.util.Map.of(N3, 1000L));
        assertThat(l.renewableUntilMs(N3)).as("n1's beats echoed nothing to n3: renewed from their reading time").isEqualTo(1500);
    }

    @Test
    void noNodeIsLostBeforeEveryPeerConfirmedTheViewWhateverTheAges() {
        Lease l = new Lease(N1, 2, LEASE_MS);
        l.viewChanged("v1", List.of(N1, N2, N3, N4), 0);
        l.beat(N4, "v1", List.of(N1, N2, N3, N4), 0, 1000);
        l.viewChanged("v2", List.of(N1, N2, N3), 1500);
        l.beat(N2, "v2", List.of(N1, N2, N3), 0, 1550, OptionalLong.empty(), java.util.Map.of(N4, 549L));
        assertThat(l.lost(List.of(N1, N2, N3, N4), 5000, LOST_AFTER_MS)).as("n3 has not confirmed").isEmpty();
    }

    @Test
    void anEchoOfAnEarlierRunRenewsNothing() {
        Lease l = threeNodes();
        l.viewChanged("v1", ALL3, 0);
        l.beat(N2, "v1", ALL3, 0, 100, OptionalLong.of(haven.node.NodeEvent.Beat.EARLIER_RUN));
        assertThat(l.valid(100)).isFalse();
        assertThat(l.valid(Long.MAX_VALUE / 2)).isFalse();
    }
}
