package haven.api;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Codec;
import haven.cib.Command;
import haven.core.NodeId;
import haven.timeline.TimelineRecord;
import haven.timeline.TimelineRecords;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who asked for a change travels in the committed entry and lands in every node's timeline. */
class RequestsTest {
    private static final NodeId N1 = new NodeId("n1");

    @Test
    void theRequestNoteComesThroughTheCodecAndBecomesATimelineRecordBeforeTheChange() throws Exception {
        List<Command> entry = Requests.stamped(N1, "PUT /ha/cluster/maintenance", "alice (uid 1000) on n1's local API", 5_000,
                List.of(new Command.SetMaintenance(true, "upgrade", 5_000)));
        byte[] bytes = Codec.encodeEntry(entry);
        List<Command> decoded = Codec.decodeEntry(bytes, 0, bytes.length);
        assertThat(decoded).isEqualTo(entry);

        ClusterState before = ClusterState.EMPTY;
        ClusterState after = before.apply(decoded);
        List<TimelineRecord> records = TimelineRecords.of(before, decoded, after);
        assertThat(records).extracting(TimelineRecord::type).containsExactly("request", "maintenance");
        assertThat(records.get(0).text()).isEqualTo("PUT /ha/cluster/maintenance by alice (uid 1000) on n1's local API");
        assertThat(records.get(0).proposer()).isEqualTo("n1");
    }

    @Test
    void anEntryStampedBeforeRequestNotesExistedStillDecodes() throws Exception {
        byte[] old = "[{\"op\":\"journal\",\"by\":\"n2\",\"atEpochMs\":1000,\"notes\":[]},{\"op\":\"standby\",\"node\":\"n3\",\"standby\":true}]"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(Codec.decodeEntry(old, 0, old.length)).hasSize(2);
    }
}
