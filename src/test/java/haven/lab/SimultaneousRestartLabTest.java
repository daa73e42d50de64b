package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import org.jgroups.protocols.raft.FileBasedLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole cluster restarted at once, six times: every node must learn the coordinator and catch up on the
 * cluster state each time. In some rounds one node joins only after the other two have elected a leader, and
 * in some the late node comes back with a Raft term ahead of the one the others will elect: the state a node
 * is left in when, as the last of a majority, it ran election rounds the others never saw while the cluster
 * shut down. That is what the CTS found (issue 13, seed 7, SimulStart): jgroups-raft drops every request of
 * an older term without an answer, so that node dropped the new leader's appends and never learned a
 * coordinator. In one late round the late node comes back with no Raft log at all (a replaced disk): it needs
 * everything from the first entry. Six rounds play each kind once or more (all at once, late, term ahead with and
 * without lateness, log deleted); ten rounds, which repeated them, cost CI 40 s more. Each round ends only when every node holds the same state
 * version. Needs root and a built daemon.
 */
@Tag("lab")
class SimultaneousRestartLabTest {
    private static final String PREFIX = SharedLab.prefix("crst");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final int ROUNDS = 6;
    private static final Duration LEARN_WITHIN = Duration.ofSeconds(60);
    private static final Duration STOP_WITHIN = Duration.ofSeconds(20);
    /** How far ahead a planted term is of every other node's: more than the few rounds an election takes. */
    private static final long TERM_LEAD = 5;
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3));

    @Test
    void everyNodeLearnsTheCoordinatorAfterEachSimultaneousRestart() {
        LabCluster cluster = lab.cluster();
        int nodes = lab.layout().nodes();
        List<String> rounds = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            boolean late = round % 2 == 0;
            boolean ahead = round % 3 == 0;
            boolean emptyLog = round % 4 == 0;
            int lateNode = (round / 2) % nodes + 1;
            stopAll(cluster, round);
            Map<Integer, Long> terms = terms();
            if (ahead) {
                long planted = terms.values().stream().mapToLong(Long::longValue).max().orElse(0) + TERM_LEAD;
                setTerm(lateNode, planted);
                terms.put(lateNode, planted);
            }
            if (emptyLog) deleteLog(lateNode);
            long start = System.nanoTime();
            for (int i = 1; i <= nodes; i++) {
                if (!late || i != lateNode) cluster.start(i);
            }
            if (late) {
                awaitCoordinatorAmong(cluster, others(lateNode), round);
                cluster.start(lateNode);
            }
            String coordinator = awaitAllLearnTheCoordinator(cluster, round, start);
            long ms = (System.nanoTime() - start) / 1_000_000;
            String line = "round " + round + (late ? ", " + name(lateNode) + " late" : ", all at once")
                    + (ahead ? ", " + name(lateNode) + "'s term ahead" : "")
                    + (emptyLog ? ", " + name(lateNode) + "'s log deleted" : "") + ": terms before " + terms
                    + "; every node follows " + coordinator + " and has caught up " + ms + " ms after the first start";
            System.err.println(line);
            rounds.add(line);
        }
        assertThat(rounds).hasSize(ROUNDS);
    }

    private static void stopAll(LabCluster cluster, int round) {
        List<Long> pids = cluster.livePids();
        cluster.stopAll();
        assertThat(Pids.waitGone(pids, STOP_WITHIN)).as("round %d: every daemon stopped within %s s", round,
                STOP_WITHIN.toSeconds()).isTrue();
    }

    private static List<Integer> others(int node) {
        return lab.layout().nodesBut(node);
    }

    private static void awaitCoordinatorAmong(LabCluster cluster, List<Integer> among, int round) {
        long deadline = System.nanoTime() + LEARN_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> seen = among.stream().map(i -> cluster.status(i).map(HaStatus::coordinator).orElse("")).distinct().toList();
            if (seen.size() == 1 && !seen.get(0).isEmpty()) return;
            Pids.sleep(100);
        }
        throw new AssertionError("round " + round + ": nodes " + among + " elected no coordinator within "
                + LEARN_WITHIN.toSeconds() + " s\n" + cluster.logTails(30));
    }

    /**
     * Waits until every node answers with all members, quorate, the same coordinator, and the same state
     * version, at least the coordinator's when they first agreed (the catch-up); the coordinator's name.
     */
    private static String awaitAllLearnTheCoordinator(LabCluster cluster, int round, long sinceNanos) {
        int nodes = lab.layout().nodes();
        long deadline = sinceNanos + LEARN_WITHIN.toNanos();
        long target = -1;
        List<Optional<HaStatus>> last = List.of();
        while (System.nanoTime() < deadline) {
            List<Optional<HaStatus>> all = new ArrayList<>();
            for (int i = 1; i <= nodes; i++) all.add(cluster.status(i));
            last = all;
            List<String> coordinators = all.stream().map(s -> s.map(HaStatus::coordinator).orElse("")).distinct().toList();
            boolean agreed = coordinators.size() == 1 && !coordinators.get(0).isEmpty()
                    && all.stream().allMatch(s -> s.isPresent() && s.get().quorate() && s.get().members().size() == nodes);
            if (agreed) {
                String coordinator = coordinators.get(0);
                if (target < 0) {
                    target = all.get(lab.layout().indexOf(coordinator) - 1).orElseThrow().version();
                }
                long floor = target;
                if (all.stream().map(s -> s.get().version()).distinct().count() == 1 && all.get(0).get().version() >= floor) {
                    return coordinator;
                }
            }
            Pids.sleep(100);
        }
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < last.size(); i++) {
            seen.append(name(i + 1)).append(": ").append(last.get(i).map(HaStatus::summary).orElse("no answer")).append('\n');
        }
        throw new AssertionError("round " + round + ": not every node learned the coordinator and caught up within "
                + LEARN_WITHIN.toSeconds() + " s:\n" + seen + cluster.logTails(40));
    }

    /** Each node's Raft term as persisted in its log (daemons stopped). */
    private static Map<Integer, Long> terms() {
        Map<Integer, Long> terms = new HashMap<>();
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            int node = i;
            terms.put(i, withLog(node, log -> log.currentTerm()));
        }
        return terms;
    }

    /** Writes a Raft term into a stopped node's log, as its own election rounds would have. */
    private static void setTerm(int node, long term) {
        withLog(node, log -> {
            log.currentTerm(term);
            return term;
        });
    }

    /** Removes a stopped node's Raft log, as a replaced disk would. */
    private static void deleteLog(int node) {
        Path dir = logDir(node);
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new AssertionError("cannot delete " + name(node) + "'s Raft log " + dir + ": " + e, e);
        }
    }

    /** Where the daemon's StackConfig puts the log: log_dir = STATE/raft, log_prefix = CLUSTER-NODE, suffix .log. */
    private static Path logDir(int node) {
        String name = name(node);
        return lab.cluster().state().nodeDir(name).resolve("raft").resolve(lab.layout().clusterName() + "-" + name + ".log");
    }

    private static long withLog(int node, ToLongFunction<FileBasedLog> use) {
        String name = name(node);
        Path dir = logDir(node);
        assertThat(dir).as("%s's Raft log", name).exists();
        FileBasedLog log = new FileBasedLog();
        try {
            log.init(dir.toString(), Map.of());
            return use.applyAsLong(log);
        } catch (Exception e) {
            throw new AssertionError("cannot open " + name + "'s Raft log " + dir + ": " + e, e);
        } finally {
            try {
                log.close();
            } catch (Exception e) {
                System.err.println("closing " + name + "'s Raft log: " + e);
            }
        }
    }

    private static String name(int node) {
        return lab.layout().nodeName(node);
    }
}
