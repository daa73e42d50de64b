package haven.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Codec;
import haven.cib.Command;
import haven.cib.JournalNote;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The records every node derives from a committed entry: what changed, in command order, with the entry's time. */
class TimelineRecordsTest {
    static final NodeId N1 = NodeId.of("n1");
    static final NodeId N2 = NodeId.of("n2");
    static final NodeId N3 = NodeId.of("n3");
    static final GroupId WEB = GroupId.of("web");
    static final long T = 1_764_600_000_000L;

    static Command.Journal stamp(NodeId by, long at, JournalNote... notes) {
        return new Command.Journal(by, at, List.of(notes));
    }

    /** Applies entries in turn, returning every record, as a node's timeline would hold them. */
    static List<TimelineRecord> replay(List<List<Command>> entries) {
        ClusterState s = ClusterState.EMPTY;
        List<TimelineRecord> all = new java.util.ArrayList<>();
        for (List<Command> e : entries) {
            ClusterState next = s.apply(e);
            all.addAll(TimelineRecords.of(s, e, next));
            s = next;
        }
        return all;
    }

    static final List<List<Command>> FAILOVER = List.of(
            List.of(stamp(N1, T, new JournalNote(T - 5, "coordinator", "n1 is coordinator", List.of(N1)))),
            List.of(stamp(N1, T + 10), new Command.Assign(WEB, Optional.of(N1), "preferred node")),
            List.of(stamp(N1, T + 20), new Command.Started(WEB, N1, 1)),
            List.of(stamp(N1, T + 25), new Command.Started(WEB, N1, 1)), // a repeated report changes nothing
            List.of(stamp(N2, T + 1000, new JournalNote(T + 990, "membership", "[n1] left; members [n2, n3]", List.of(N1)))),
            List.of(stamp(N2, T + 2000), new Command.NodeLost(N1), new Command.Assign(WEB, Optional.of(N2), "n1 lost")),
            List.of(stamp(N2, T + 2100), new Command.Fenced(N1, N2, T + 2100, true, "fence_haven_lab: off")),
            List.of(stamp(N2, T + 2500), new Command.Started(WEB, N2, 2)));

    @Test
    void aFailoverReadsAsLossPlacementFencingAndStartInCommitOrder() {
        List<TimelineRecord> r = replay(FAILOVER);
        assertThat(r).extracting(x -> x.position() + " " + x.type() + " " + x.text()).containsExactly(
                "1.0 coordinator n1 is coordinator",
                "2.0 placement group web placed on n1 (generation 1), was on (none): preferred node",
                "3.0 group group web running on n1 (generation 1)",
                "5.0 membership [n1] left; members [n2, n3]",
                "6.0 node-lost n1 lost: out of the view and its lease has run out, so nothing of it runs; its groups may start elsewhere",
                "6.1 placement group web placed on (none) (generation 1), was on n1",
                "6.2 placement group web placed on n2 (generation 2), was on (none): n1 lost",
                "7.0 fencing n1 fenced by n2: fence_haven_lab: off",
                "8.0 group group web running on n2 (generation 2)");
        assertThat(r.get(0).atEpochMs()).as("a note keeps its own time").isEqualTo(T - 5);
        assertThat(r.get(1).atEpochMs()).as("other records take the entry's stamp").isEqualTo(T + 10);
        assertThat(r.get(5).proposer()).isEqualTo("n2");
        assertThat(r.get(4).mentionsNode("n1")).isTrue();
        assertThat(r.get(7).fields()).containsEntry("node", "n1").containsEntry("by", "n2").containsEntry("ok", true);
    }

    @Test
    void everyNodeDerivesTheSameRecordsFromTheSameEntriesEvenAfterTheWireCodec() throws Exception {
        List<List<Command>> decoded = new java.util.ArrayList<>();
        for (List<Command> e : FAILOVER) {
            byte[] b = Codec.encodeEntry(e);
            decoded.add(Codec.decodeEntry(b, 0, b.length));
        }
        assertThat(replay(decoded)).isEqualTo(replay(FAILOVER));
    }

    @Test
    void aStalePlanAndAnEntryWithoutStampLeaveOnlyWhatChanged() {
        ClusterState s = ClusterState.EMPTY.apply(List.of(new Command.Assign(WEB, Optional.of(N1), "first")));
        List<Command> stale = List.of(new Command.Assign(WEB, Optional.of(N2), "from an older state"));
        assertThat(TimelineRecords.of(s, stale, s.apply(stale))).isEmpty();
        List<Command> failed = List.of(new Command.ResourceFailed(ResourceId.of("site"), N1, T, "monitor: not running"));
        List<TimelineRecord> r = TimelineRecords.of(s, failed, s.apply(failed));
        assertThat(r).singleElement().satisfies(x -> {
            assertThat(x.type()).isEqualTo("failure");
            assertThat(x.proposer()).isEmpty();
            assertThat(x.atEpochMs()).isZero();
        });
    }

    @Test
    void maintenanceOnAndOffAreRecordedWithTheReason() {
        List<TimelineRecord> r = replay(List.of(
                List.of(stamp(N3, T), new Command.SetMaintenance(true, "upgrading nginx", T)),
                List.of(stamp(N3, T + 60_000), new Command.SetMaintenance(false, "", T + 60_000))));
        assertThat(r).extracting(TimelineRecord::text).containsExactly("maintenance mode on: upgrading nginx",
                "maintenance mode off: resources reconcile to the cluster state again");
        assertThat(r.get(0).fields()).containsEntry("on", true).containsEntry("reason", "upgrading nginx");
    }

    @Test
    void theEdgeStampsAnEntryOnceAndKeepsACoordinatorsJournal() {
        List<Command> plain = List.of(new Command.Started(WEB, N1, 1));
        List<Command> stamped = Command.Journal.stamped(plain, N1, T);
        assertThat(stamped).containsExactly(new Command.Journal(N1, T, List.of()), new Command.Started(WEB, N1, 1));
        assertThat(Command.Journal.stamped(stamped, N2, T + 1)).isSameAs(stamped);
        assertThat(Codec.encodeEntry(List.of(new Command.Journal(N1, T, List.of())))).as("bytes a stamp adds to each entry")
                .hasSizeLessThan(70);
    }
}
