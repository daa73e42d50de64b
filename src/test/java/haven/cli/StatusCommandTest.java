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

    @Test
    void aReplicatedCopyIsDescribedAsItsNodeSeesIt() throws Exception {
        ObjectMapper m = new ObjectMapper();
        String primary = StatusCommand.copyHere(m.readTree("{\"role\":\"primary\",\"generation\":\"7\",\"epoch\":\"2\",\"whole\":\"true\","
                + "\"in_sync\":\"n1\",\"replica.n1\":\"in-sync confirmed 40 lag 0 B\",\"replica.n3\":\"connecting\","
                + "\"would_lose_bytes\":\"0\",\"lag_p50_ms\":\"0.52\"}"), "n2");
        assertThat(primary).isEqualTo("copy on n2: primary, generation 7 epoch 2, in sync: n1, confirm delay p50 0.52 ms,"
                + " a failover now would lose 0 bytes; n1 in-sync confirmed 40 lag 0 B; n3 connecting");
        String alone = StatusCommand.copyHere(m.readTree("{\"role\":\"primary\",\"generation\":\"7\",\"epoch\":\"3\",\"whole\":\"true\","
                + "\"in_sync\":\"\",\"would_lose_bytes\":\"-1\",\"lag_p50_ms\":\"-1.00\"}"), "n2");
        assertThat(alone).contains("in sync: none").contains("would lose every write since the last replica left");
        String replica = StatusCommand.copyHere(m.readTree("{\"role\":\"replica\",\"generation\":\"7\",\"epoch\":\"1\",\"whole\":\"false\","
                + "\"following\":\"n2\",\"applied_record\":\"12\",\"kept_aside\":\"3\"}"), "n3");
        assertThat(replica).isEqualTo("copy on n3: replica, generation 7 epoch 1, NOT WHOLE, following n2 at record 12, 3 entries kept aside");
    }

    @Test
    void dayTwoControlsAndCapacitiesShowOnTheirLines() throws Exception {
        String shown = StatusCommand.render(new ObjectMapper().readTree("""
                {"cluster":"c","node":"n1","quorate":true,"coordinator":"n1","maintenance":{"on":false},
                 "nodes":[{"name":"n1","online":true,"standby":false,"maintenance":true,"capacity":{"cpu":8,"memory_mb":4096},
                           "used":{"cpu":6,"memory_mb":0}}],
                 "groups":[{"name":"web","node":"n1","moved_to":"n1","moved_until_epoch_ms":1765000000000,"disabled":true,
                            "unmanaged":true,"restarting_on":"n1","resources":[]}],
                 "failures":[]}
                """));
        assertThat(shown).contains("n1 online (MAINTENANCE: left alone) (cpu 6/8, memory_mb 0/4096)")
                .contains("group web: on n1 (moved to n1 until 2025-12-06T05:46:40Z) (DISABLED: `haven resource enable` lets it run)"
                        + " (UNMANAGED: monitored only) (restarting on n1)");
    }
}
