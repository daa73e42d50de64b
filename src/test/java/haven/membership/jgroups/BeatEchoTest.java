package haven.membership.jgroups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Two nodes' echo halves passing stamps back and forth as their beats would. */
class BeatEchoTest {
    @Test
    void aPeerEchoesTheLatestOwnStampItHeard() {
        BeatEcho n1 = new BeatEcho("n1", 7);
        BeatEcho n2 = new BeatEcho("n2", 9);
        n2.heard("n1", n1.stamp(100));
        n2.heard("n1", n1.stamp(180));
        assertThat(n1.echoedToMe(n2.echoes())).hasValue(180);
        assertThat(n2.echoedToMe(n1.echoes())).as("n1 heard nothing from n2 yet").isEmpty();
    }

    @Test
    void theLatestCountsEvenWhenSmallerAsAfterAPeersRestart() {
        BeatEcho n2 = new BeatEcho("n2", 9);
        n2.heard("n1", "a:5000");
        n2.heard("n1", "b:20");
        assertThat(n2.echoes()).isEqualTo("n1=b:20");
    }

    @Test
    void anEchoOfAnEarlierRunOfThisNodeDoesNotCount() {
        BeatEcho before = new BeatEcho("n1", 1);
        BeatEcho after = new BeatEcho("n1", 2);
        BeatEcho n2 = new BeatEcho("n2", 9);
        n2.heard("n1", before.stamp(5000));
        assertThat(after.echoedToMe(n2.echoes())).as("renews nothing: n2 has not heard this run yet")
                .hasValue(BeatEcho.EARLIER_RUN);
        assertThat(after.echoedToMe("n3=x:1")).as("names no stamp of n1: renews from its reading time").isEmpty();
    }

    @Test
    void aDepartedPeerIsCarriedWithTheAgeOfTheLastStampTakenInFromIt() {
        BeatEcho n2 = new BeatEcho("n2", 9);
        n2.retain(List.of("n1", "n2", "n3", "n4"), 0);
        n2.heard("n1", "a:100", 1_000);
        n2.heard("n3", "c:100", 1_010);
        n2.retain(List.of("n2", "n3"), 1_500);
        // n2's beats renewed n1 from a stamp it took in at 1000 at the latest, though it dropped n1 at 1500; they
        // echoed nothing to n4, never heard, so n4 renewed from reading them until n2 dropped it
        assertThat(BeatEcho.departedAges(n2.echoes(1_600))).containsOnly(java.util.Map.entry("n1", 600L), java.util.Map.entry("n4", 100L));
        assertThat(new BeatEcho("n1", 1).echoedToMe(n2.echoes(1_600))).as("older daemons skip the entry").isEmpty();
        n2.retain(List.of("n2"), 2_000);
        assertThat(BeatEcho.departedAges(n2.echoes(2_100))).containsEntry("n3", 1_090L).containsEntry("n1", 1_100L);
        n2.retain(List.of("n1", "n2"), 2_200);
        assertThat(BeatEcho.departedAges(n2.echoes(2_300))).as("back in the view").containsOnlyKeys("n3", "n4");
        assertThat(BeatEcho.departedAges(n2.echoes(2_000 + BeatEcho.DEPARTED_CARRY_MS + 10))).as("carried for a while only").isEmpty();
    }

    @Test
    void aNodeThatLeftTheViewIsNoLongerEchoed() {
        BeatEcho n2 = new BeatEcho("n2", 9);
        n2.heard("n1", "a:100");
        n2.heard("n3", "c:100");
        n2.retain(List.of("n2", "n3"));
        assertThat(n2.echoes()).isEqualTo("n3=c:100");
    }

    @Test
    void malformedEchoesAreRefusedOrIgnored() {
        BeatEcho n1 = new BeatEcho("n1", 7);
        String mine = n1.stamp(1).split(":")[0];
        assertThat(n1.echoedToMe("garbage,=,n3=x:1")).isEmpty();
        assertThatThrownBy(() -> n1.echoedToMe("n1=" + mine + ":soon")).isInstanceOf(NumberFormatException.class);
        BeatEcho n2 = new BeatEcho("n2", 9);
        n2.heard("n1", "no-colon");
        assertThat(n2.echoes()).isEmpty();
    }
}
