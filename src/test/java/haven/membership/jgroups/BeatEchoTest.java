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
        assertThat(after.echoedToMe(n2.echoes())).isEmpty();
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
