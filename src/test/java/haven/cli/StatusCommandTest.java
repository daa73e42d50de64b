package haven.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import haven.api.Snapshots;
import haven.cib.Codec;
import org.junit.jupiter.api.Test;

/** `haven status` as it reads the daemon's status document. */
class StatusCommandTest {
    @Test
    void aPromotableGroupShowsItsPrimaryItsReplicasAndAnOpenNotificationRound() throws Exception {
        String shown = StatusCommand.render(new ObjectMapper().readTree(Codec.toJson(Snapshots.notifyingPromotion().toMap())));
        assertThat(shown).contains("group web: primary on n2, replicas on n1, n3 (notifying: pre-promote of n2, waiting for n1, n3)\n");
    }
}
