package haven.timeline;

import static haven.timeline.TimelineRecordsTest.FAILOVER;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file on a real disk: append, reopen, a torn last line, rotation; and the node's Timeline over it. */
class TimelineJournalTest {
    static final ClusterConfig CONFIG = haven.node.TestClustersAccess.oneGroup();

    @TempDir Path dir;

    static TimelineRecord record(long version, int index, String type, String text) {
        return new TimelineRecord(version, index, 1000 * version, type, "n1", Map.of("group", "web"), text);
    }

    @Test
    void recordsSurviveAReopenAndTheLastVersionIsKnownAgain() {
        try (TimelineJournal j = new TimelineJournal(dir, 1 << 20)) {
            j.append(List.of(record(1, 0, "placement", "a"), record(1, 1, "group", "b")));
            j.append(List.of(record(2, 0, "fencing", "c")));
            j.sync();
            assertThat(j.lastVersion()).isEqualTo(2);
        }
        try (TimelineJournal j = new TimelineJournal(dir, 1 << 20)) {
            assertThat(j.lastVersion()).isEqualTo(2);
            assertThat(j.readAll()).extracting(TimelineRecord::text).containsExactly("a", "b", "c");
            assertThat(j.readAll().get(0)).isEqualTo(record(1, 0, "placement", "a"));
        }
    }

    @Test
    void theJournalIsOwnerOnlyAndAnOlderOpenOneIsTightenedOnOpening() throws IOException {
        Path journal = dir.resolve("timeline");
        java.nio.file.Files.createDirectories(journal);
        Path old = java.nio.file.Files.writeString(journal.resolve("timeline.jsonl"), "");
        java.nio.file.Files.setPosixFilePermissions(old, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        java.nio.file.Files.setPosixFilePermissions(journal, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TimelineJournal j = new TimelineJournal(journal, 200)) {
            j.append(List.of(record(1, 0, "placement", "a".repeat(300)))); // past maxBytes: rotates
            j.applied(1);
            j.sync();
        }
        assertThat(mode(journal)).isEqualTo("rwx------");
        for (String file : List.of("timeline.jsonl", "timeline.1.jsonl", "timeline.applied")) {
            assertThat(mode(journal.resolve(file))).as(file).isEqualTo("rw-------");
        }
    }

    private static String mode(Path p) throws IOException {
        return java.nio.file.attribute.PosixFilePermissions.toString(java.nio.file.Files.getPosixFilePermissions(p));
    }

    @Test
    void aTornLastLineFromACrashIsCutOffAndAppendingGoesOnCleanly() throws IOException {
        try (TimelineJournal j = new TimelineJournal(dir, 1 << 20)) {
            j.append(List.of(record(1, 0, "placement", "a")));
        }
        Files.writeString(dir.resolve(TimelineJournal.FILE), "{\"version\":2,\"index\":0,\"at\":2", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        try (TimelineJournal j = new TimelineJournal(dir, 1 << 20)) {
            assertThat(j.lastVersion()).isEqualTo(1);
            j.append(List.of(record(2, 0, "group", "b")));
            assertThat(j.readAll()).extracting(TimelineRecord::text).containsExactly("a", "b");
        }
    }

    @Test
    void theJournalRotatesAtItsSizeAndKeepsAtMostTwoFiles() throws IOException {
        try (TimelineJournal j = new TimelineJournal(dir, 2_000)) {
            for (int v = 1; v <= 200; v++) j.append(List.of(record(v, 0, "placement", "record " + v)));
            List<TimelineRecord> held = j.readAll();
            assertThat(held).isNotEmpty().hasSizeLessThan(200);
            assertThat(held.get(held.size() - 1).text()).isEqualTo("record 200");
            assertThat(held).extracting(TimelineRecord::version).isSorted();
            assertThat(j.lastVersion()).isEqualTo(200);
        }
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .containsExactlyInAnyOrder(TimelineJournal.FILE, TimelineJournal.ROTATED);
        }
        assertThat(Files.size(dir.resolve(TimelineJournal.FILE)) + Files.size(dir.resolve(TimelineJournal.ROTATED))).isLessThan(4_000);
    }

    @Test
    void aRestartedNodeDoesNotRecordReplayedEntriesTwiceAndASnapshotLeavesAGapRecord() {
        ClusterState s = ClusterState.EMPTY;
        List<ClusterState> states = new java.util.ArrayList<>(List.of(s));
        for (List<Command> e : FAILOVER) states.add(s = s.apply(e));
        try (Timeline t = new Timeline(CONFIG, dir)) {
            for (int i = 0; i < 4; i++) t.entryApplied(states.get(i), FAILOVER.get(i), states.get(i + 1));
        }
        try (Timeline t = new Timeline(CONFIG, dir)) {
            // The log replays every entry after a restart; only those not yet recorded are new.
            for (int i = 0; i < FAILOVER.size(); i++) t.entryApplied(states.get(i), FAILOVER.get(i), states.get(i + 1));
            assertThat(t.query(query(Map.of()))).isEqualTo(TimelineRecordsTest.replay(FAILOVER));
            ClusterState far = states.get(FAILOVER.size());
            for (int i = 0; i < 10; i++) far = far.apply(List.of());
            t.snapshotInstalled(far);
            List<TimelineRecord> all = t.query(query(Map.of()));
            assertThat(all.get(all.size() - 1).type()).isEqualTo("timeline");
            assertThat(all.get(all.size() - 1).text()).startsWith("versions 9 to 18 reached this node as a snapshot");
        }
    }

    static TimelineQuery query(Map<String, String> params) {
        return TimelineQuery.parse(params, CONFIG, 10_000_000L);
    }

    @Test
    void queriesFilterByTimeResourceNodeAndPositionAndSayWhatIsWrong() {
        List<TimelineRecord> all = TimelineRecordsTest.replay(FAILOVER);
        long t = TimelineRecordsTest.T;
        assertThat(TimelineQuery.parse(Map.of("since", "1s"), CONFIG, t + 2_050).select(all, CONFIG))
                .extracting(TimelineRecord::position).containsExactly("6.0", "6.1", "6.2", "7.0", "8.0");
        assertThat(TimelineQuery.parse(Map.of("since", java.time.Instant.ofEpochMilli(t + 2100).toString()), CONFIG, 0).select(all, CONFIG))
                .extracting(TimelineRecord::position).containsExactly("7.0", "8.0");
        assertThat(query(Map.of("resource", "site")).select(all, CONFIG)).as("site is in group web")
                .extracting(TimelineRecord::type).containsExactly("placement", "group", "placement", "placement", "group");
        assertThat(query(Map.of("node", "n1")).select(all, CONFIG)).extracting(TimelineRecord::position)
                .containsExactly("1.0", "2.0", "3.0", "5.0", "6.0", "6.1", "7.0");
        assertThat(query(Map.of("after", "6.1")).select(all, CONFIG)).extracting(TimelineRecord::position)
                .containsExactly("6.2", "7.0", "8.0");
        assertThat(query(Map.of("limit", "2")).select(all, CONFIG)).as("the newest").extracting(TimelineRecord::position)
                .containsExactly("7.0", "8.0");
        assertThat(query(Map.of("after", "1.0", "limit", "2")).select(all, CONFIG)).as("a follower pages forward")
                .extracting(TimelineRecord::position).containsExactly("2.0", "3.0");

        assertError(Map.of("since", "yesterday"), "since=yesterday is neither a duration back from now (30s, 10m, 2h, 1d) nor a time");
        assertError(Map.of("resource", "nope"), "resource=nope: no resource or group of that name; resources: [vip, site]");
        assertError(Map.of("node", "n9"), "node=n9: no node of that name; nodes: [n1, n2, n3]");
        assertError(Map.of("after", "x"), "after=x is not a position: write VERSION.INDEX");
        assertError(Map.of("limit", "0"), "limit=0 must be a whole number from 1 to 100000");
        assertError(Map.of("sinse", "1m"), "unknown parameter 'sinse' for /ha/log; it takes [after, limit, node, resource, since]");
        assertThat(TimelineQuery.since("1d", 86_400_000L)).isZero();
        assertThat(Optional.of(query(Map.of()).limit())).contains(TimelineQuery.DEFAULT_LIMIT);
    }

    private static void assertError(Map<String, String> params, String start) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> query(params)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(start);
    }
}
