package haven.cib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The wire and disk form: every node must hold the same bytes for the same state, and must refuse an
 * entry it does not fully understand.
 */
class CodecTest {
    static final GroupId WEB = GroupId.of("web");
    static final GroupId DB = GroupId.of("db");
    static final NodeId A = NodeId.of("a");
    static final NodeId B = NodeId.of("b");
    static final ResourceId SITE = ResourceId.of("site");

    /** One of every command kind, with both forms of every optional field. */
    static List<Command> everyKind() {
        return List.of(
                new Command.Assign(WEB, Optional.of(A), "preferred node"),
                new Command.Assign(DB, Optional.empty(), "stop (no eligible node)"),
                new Command.Released(WEB, B, 7),
                new Command.SetInstances(DB, new TreeSet<>(List.of(B, A))),
                new Command.Started(WEB, A, 8),
                new Command.NodeLost(B),
                new Command.ResourceFailed(SITE, A, 1_700_000_000_123L, "monitor: failed (exit 1) \"quoted\" é"),
                new Command.SetStandby(B, true),
                new Command.Move(WEB, Optional.of(B)),
                new Command.Move(DB, Optional.empty()),
                new Command.Move(WEB, Optional.of(A), Optional.of(1_700_000_001_000L)),
                new Command.Move(WEB, Optional.empty(), Optional.of(1_700_000_001_000L)),
                new Command.SetDisabled(WEB, true),
                new Command.SetManaged(DB, false),
                new Command.Restart(WEB, Optional.of(A)),
                new Command.Restart(WEB, Optional.empty()),
                new Command.SetNodeMaintenance(B, true),
                new Command.SetClones(WEB, new TreeSet<>(List.of(B, A))),
                new Command.InstanceStarted(WEB, A),
                new Command.InstanceReleased(WEB, B),
                new Command.Cleanup(SITE, Optional.of(A)),
                new Command.Cleanup(SITE, Optional.empty()),
                new Command.Connectivity(A, 2),
                new Command.Fenced(B, A, 1_700_000_000_456L, true, "level 1 lab off plug=n2: confirmed off"),
                new Command.Send(A, Optional.of(B), "config", "v=\"2\" é", 1_700_000_000_500L, -42),
                new Command.Send(B, Optional.empty(), "hello", "", 1_700_000_000_501L, 7),
                new Command.BarrierArrive("loaded", "a", 2, List.of("a", "b"), 5000, A, 1_700_000_000_502L, 9),
                new Command.BarrierArrive("ready", "x", 3, List.of(), 5000, B, 1_700_000_000_503L, 10),
                new Command.BarrierTimeout("ready", 2, "x", B, 1_700_000_000_504L),
                new Command.NotifyOpen(DB, 1_700_000_000_505_001L, true, haven.core.Operation.PROMOTE, B, new TreeSet<>(List.of(A, B)),
                        Optional.empty()),
                new Command.NotifyDone(DB, B, 1_700_000_000_505_001L, A),
                new Command.NotifyClose(DB, B, 1_700_000_000_505_001L));
    }

    static ClusterState richState() {
        ClusterState s = ClusterState.EMPTY;
        s = s.apply(List.of(new Command.Assign(WEB, Optional.of(A), "x"), new Command.Assign(DB, Optional.of(B), "x")));
        s = s.apply(List.of(new Command.Started(WEB, A, 1), new Command.Assign(DB, Optional.empty(), "x")));
        s = s.apply(List.of(new Command.ResourceFailed(SITE, A, 5, "boom"), new Command.ResourceFailed(SITE, B, 6, "")));
        s = s.apply(List.of(new Command.SetStandby(B, true), new Command.Move(WEB, Optional.of(B))));
        s = s.apply(List.of(new Command.SetInstances(WEB, new TreeSet<>(List.of(A, B)))));
        s = s.apply(List.of(new Command.NotifyOpen(WEB, 5, false, haven.core.Operation.START, A, new TreeSet<>(List.of(B)), Optional.of(B))));
        s = s.apply(List.of(new Command.Connectivity(A, 1), new Command.Fenced(B, A, 7, false, "device timed out")));
        s = s.apply(List.of(new Command.Send(A, Optional.empty(), "m", "v", 8, 1), new Command.Send(A, Optional.of(B), "m", "w", 8, 2)));
        s = s.apply(List.of(new Command.BarrierArrive("open", "a", 2, List.of(), 1000, A, 9, 3),
                new Command.BarrierArrive("done", "a", 1, List.of("a"), 1000, A, 9, 4)));
        s = s.apply(List.of(new Command.SetDisabled(DB, true), new Command.SetManaged(WEB, false), new Command.Restart(WEB, Optional.of(A)),
                new Command.SetNodeMaintenance(B, true), new Command.Move(DB, Optional.of(A), Optional.of(1_700_000_001_000L))));
        s = s.apply(List.of(new Command.SetClones(GroupId.of("app"), new TreeSet<>(List.of(A, B))), new Command.InstanceStarted(GroupId.of("app"), A)));
        return s;
    }

    @Test
    void everyCommandKindRoundTripsByteIdentically() throws IOException {
        byte[] first = Codec.encodeEntry(everyKind());
        List<Command> decoded = Codec.decodeEntry(first, 0, first.length);
        assertThat(decoded).isEqualTo(everyKind());
        assertThat(Codec.encodeEntry(decoded)).isEqualTo(first);
    }

    @Test
    void aMoveWrittenBeforeLifetimesHasNone() throws IOException {
        byte[] old = "[{\"op\":\"move\",\"group\":\"web\",\"node\":\"a\"}]".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(Codec.decodeEntry(old, 0, old.length)).containsExactly(new Command.Move(WEB, Optional.of(A)));
    }

    @Test
    void entryDecodesFromTheGivenSliceOnly() throws IOException {
        byte[] entry = Codec.encodeEntry(everyKind());
        byte[] framed = new byte[entry.length + 6];
        System.arraycopy("xyz".getBytes(StandardCharsets.UTF_8), 0, framed, 0, 3);
        System.arraycopy(entry, 0, framed, 3, entry.length);
        assertThat(Codec.decodeEntry(framed, 3, entry.length)).isEqualTo(everyKind());
    }

    @Test
    void aSnapshotWrittenBeforeConnectivityAndFencingStillLoads() throws IOException {
        String old = "{\"version\":3,\"lastGeneration\":1,\"groups\":{},\"standby\":[],\"moves\":{},\"failures\":[]}";
        ClusterState s = Codec.decodeState(old.getBytes(StandardCharsets.UTF_8));
        assertThat(s.version()).isEqualTo(3);
        assertThat(s.connectivity()).isEmpty();
        assertThat(s.fencing()).isEmpty();
        assertThat(s.app()).isEqualTo(AppChannel.EMPTY);
    }

    @Test
    void aGroupWrittenBeforePromotableGroupsHasNoInstances() throws IOException {
        String old = "{\"version\":3,\"lastGeneration\":1,\"groups\":{\"web\":{\"assigned\":\"a\",\"generation\":1,"
                + "\"mayBeActive\":[\"a\"],\"started\":true}},\"standby\":[],\"moves\":{},\"failures\":[]}";
        ClusterState s = Codec.decodeState(old.getBytes(StandardCharsets.UTF_8));
        assertThat(s.group(WEB).assigned()).contains(A);
        assertThat(s.group(WEB).instances()).isEmpty();
    }

    @Test
    void stateRoundTripsByteIdentically() throws IOException {
        ClusterState s = richState();
        byte[] first = Codec.encodeState(s);
        ClusterState decoded = Codec.decodeState(first);
        assertThat(decoded).isEqualTo(s);
        assertThat(Codec.encodeState(decoded)).isEqualTo(first);
        // The decoded copy must behave like the original, not just look like it.
        assertThat(decoded.apply(List.of(new Command.Assign(WEB, Optional.of(B), "x"))).group(WEB).assigned()).contains(A);
    }

    @Test
    void emptyStateRoundTripsByteIdentically() throws IOException {
        byte[] first = Codec.encodeState(ClusterState.EMPTY);
        assertThat(Codec.encodeState(Codec.decodeState(first))).isEqualTo(first);
    }

    @Test
    void sameStateBuiltInAnyOrderEncodesToTheSameBytes() {
        GroupState onA = new GroupState(Optional.of(A), 1, new TreeSet<>(Set.of(A)), true);
        GroupState off = new GroupState(Optional.empty(), 2, new TreeSet<>(Set.of(B)), false);
        Map<GroupId, GroupState> g1 = new LinkedHashMap<>();
        g1.put(WEB, onA);
        g1.put(DB, off);
        Map<GroupId, GroupState> g2 = new LinkedHashMap<>();
        g2.put(DB, off);
        g2.put(WEB, onA);
        Set<NodeId> sb1 = new HashSet<>(List.of(A, B));
        Set<NodeId> sb2 = new HashSet<>(List.of(B, A));
        ClusterState s1 = new ClusterState(3, 2, new java.util.TreeMap<>(g1), new TreeSet<>(sb1), new java.util.TreeMap<>(Map.of(WEB, B)), List.of());
        ClusterState s2 = new ClusterState(3, 2, new java.util.TreeMap<>(new HashMap<>(g2)), new TreeSet<>(sb2),
                new java.util.TreeMap<>(Map.of(WEB, B)), List.of());
        assertThat(Codec.encodeState(s1)).isEqualTo(Codec.encodeState(s2));
    }

    @Test
    void unknownFieldInAnEntryIsRejected() {
        String json = Codec.utf8(Codec.encodeEntry(List.of(new Command.Released(WEB, A, 3))));
        assertThat(json).contains("\"op\"");
        String tampered = json.replaceFirst("\\{", "{\"force\":true,");
        byte[] bytes = tampered.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Codec.decodeEntry(bytes, 0, bytes.length)).isInstanceOf(IOException.class)
                .hasMessageContaining("force");
    }

    @Test
    void unknownCommandKindIsRejected() {
        byte[] bytes = "[{\"op\":\"fence\",\"node\":\"a\"}]".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Codec.decodeEntry(bytes, 0, bytes.length)).isInstanceOf(IOException.class);
    }

    @Test
    void unknownFieldInAStateSnapshotIsRejected() {
        String json = Codec.utf8(Codec.encodeState(richState()));
        byte[] bytes = json.replaceFirst("\\{", "{\"term\":4,").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Codec.decodeState(bytes)).isInstanceOf(IOException.class).hasMessageContaining("term");
    }

    @Test
    void entriesWithDifferentContentEncodeDifferently() {
        // Guards the round-trip tests against an encoder that drops fields and still "round-trips".
        List<byte[]> encodings = new ArrayList<>();
        for (Command c : everyKind()) encodings.add(Codec.encodeEntry(List.of(c)));
        List<String> texts = encodings.stream().map(Codec::utf8).toList();
        assertThat(new HashSet<>(texts)).hasSize(texts.size());
        assertThat(Codec.utf8(Codec.encodeEntry(List.of(new Command.Released(WEB, A, 3)))))
                .isNotEqualTo(Codec.utf8(Codec.encodeEntry(List.of(new Command.Released(WEB, A, 4)))));
        assertThat(Collections.frequency(texts, texts.get(0))).isEqualTo(1);
    }
}
