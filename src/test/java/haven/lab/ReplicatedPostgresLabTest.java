package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The built-in replicated PostgreSQL in sync mode on three real nodes, each with its own disk, replicating over the
 * lab's second network: a writer in the client namespace inserts numbered rows through the group's address, each
 * commit acknowledged, while the primary is powered off five times (alternating nodes). Read through the address
 * afterwards: every acknowledged row is there, and none twice. A checker that tries a write on every node's own address
 * throughout never finds two nodes taking writes, and every old primary comes back as a replica of the new one by
 * itself. Each failover's outage, as the writer saw it, is printed.
 */
@Tag("lab")
class ReplicatedPostgresLabTest {
    private static final String PREFIX = SharedLab.prefix("trpg");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3).withReplicationNet();
    @RegisterExtension
    static final SharedLab SHARED = new SharedLab(LAYOUT).beforeStart(s -> ReplicatedPostgres.addTo(s, LAYOUT, "sync"));
    private static final int FAILOVERS = 5;
    private static Lab lab;
    private static ReplicatedPostgres db;
    private static AtMostOneWatch watch;

    @BeforeAll
    static void up() {
        lab = SHARED.get();
        db = new ReplicatedPostgres(lab);
        db.createTables(WITHIN);
        // Each look starts a psql per node: a pause between looks keeps the watch from taking the lab's two cores.
        watch = AtMostOneWatch.start("nodes taking writes", () -> {
            Pids.sleep(100);
            return db.writable(watch.poweredOff);
        });
    }

    @AfterAll
    static void down() {
        if (watch != null) watch.close();
    }

    @Test
    void everyAcknowledgedRowSurvivesFivePowerLossesOfThePrimaryAndOldPrimariesFollowAgain() throws Exception {
        Faults faults = new Faults(lab);
        int primary = awaitPrimary(-1);
        for (int i : others(primary)) awaitReplicaOf(i, primary);
        Path dir = Files.createTempDirectory("haven-rows");
        try (AckedWriter writer = db.startWriter(dir)) {
            writer.awaitAcked(20, WITHIN);
            for (int n = 1; n <= FAILOVERS; n++) {
                watch.poweredOff.add(primary);
                long before = writer.acked().size();
                Faults.Injected kill = faults.kill(primary);
                long faultWallMs = System.currentTimeMillis();
                int next = awaitPrimary(primary);
                writer.awaitAcked(before + 20, WITHIN);
                System.out.printf("%s: failover %d: %s; %s primary; commits refused or unanswered for %d ms%n", PREFIX, n,
                        kill.description(), LAYOUT.nodeName(next), writer.outageAround(faultWallMs));
                faults.heal(primary);
                watch.poweredOff.remove(primary);
                awaitReplicaOf(primary, next);
                primary = next;
            }
            writer.stop();
            Map<Long, Long> acked = writer.acked();
            String rows = db.sql(ReplicatedPostgres.vip(LAYOUT), "select i, count(*) from rows group by i order by i", WITHIN).orElseThrow();
            List<Long> present = new ArrayList<>();
            List<String> twice = new ArrayList<>();
            for (String line : rows.lines().toList()) {
                String[] f = line.split("\\|");
                present.add(Long.parseLong(f[0]));
                if (!f[1].equals("1")) twice.add(line);
            }
            List<Long> lost = acked.keySet().stream().filter(i -> !present.contains(i)).toList();
            System.out.printf("%s: %d commits acknowledged, %d rows in the table; lost %s; twice %s%n", PREFIX, acked.size(), present.size(),
                    lost, twice);
            assertThat(acked).hasSizeGreaterThan(100);
            assertThat(lost).as("acknowledged rows missing").isEmpty();
            assertThat(twice).as("rows present more than once").isEmpty();
        } finally {
            haven.core.FileTrees.delete(dir);
        }
        assertThat(watch.most()).as("nodes taking writes at the same moment, at most: %s", watch.errors()).isEqualTo(1);
        assertThat(watch.errors()).isEmpty();
    }

    /**
     * The primary cut off from the cluster network (its replication link stays up, as a separate wire would): a writer
     * on it, inserting through its own address with each commit acknowledged as usual, stops being acknowledged within
     * the cut-off node's lease, and every row it was acknowledged is on the new primary.
     */
    @Test
    void aCutOffPrimaryStopsWithinItsLeaseAndLosesNothingItAcknowledged() throws Exception {
        Faults faults = new Faults(lab);
        int primary = awaitPrimary(-1);
        for (int i : others(primary)) awaitReplicaOf(i, primary);
        Path acks = Files.createTempFile("haven-pg-partition-acks", ".txt");
        String loop = "i=1; while :; do if PGCONNECT_TIMEOUT=1 timeout 5 psql -XAtq -h " + LAYOUT.nodeAddress(primary) + " -U postgres"
                + " -d postgres -c \"insert into cut values ($i)\" 2>/dev/null; then echo \"$i $(date +%s%3N)\" >> " + acks + "; fi;"
                + " i=$((i+1)); sleep 0.005; done";
        assertThat(db.sql(ReplicatedPostgres.vip(LAYOUT), "create table if not exists cut (i bigint)", WITHIN)).isPresent();
        Process writer = new ProcessBuilder(Netns.execIn(LAYOUT.nodeNamespace(primary), "sh", "-c", loop))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean cutOff = false;
        try {
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (Files.readAllLines(acks).size() < 20 && System.nanoTime() < deadline) Pids.sleep(20);
            // Cut off, it cannot be reached from the client: the watch cannot see it, the lease is the check.
            watch.poweredOff.add(primary);
            cutOff = true;
            Faults.Injected cut = faults.isolate(primary);
            long cutWallMs = System.currentTimeMillis();
            int next = awaitPrimary(primary);
            long newPrimaryWroteAfter = db.triedAt(next);
            Pids.sleep(1000);
            List<Long> acked = new ArrayList<>();
            long last = 0;
            for (String line : Files.readAllLines(acks)) {
                String[] f = line.split(" ");
                acked.add(Long.parseLong(f[0]));
                last = Math.max(last, Long.parseLong(f[1]));
            }
            System.out.printf("%s: %s; last commit acknowledged there %d ms after the cut; %s primary, found taking writes by a try"
                    + " begun %d ms after the cut%n", PREFIX, cut.description(), last - cutWallMs, LAYOUT.nodeName(next),
                    newPrimaryWroteAfter - cutWallMs);
            assertThat(last - cutWallMs).as("the cut-off primary stops acknowledging within its lease (and the lab's noise)").isLessThan(1500);
            assertThat(last).as("the cut-off primary's last acknowledged commit came before the write that found %s taking writes",
                    LAYOUT.nodeName(next)).isLessThan(newPrimaryWroteAfter);
            String rows = db.sql(ReplicatedPostgres.vip(LAYOUT), "select i from cut", WITHIN).orElseThrow();
            List<Long> present = rows.lines().map(Long::parseLong).toList();
            assertThat(acked.stream().filter(i -> !present.contains(i)).toList())
                    .as("rows the cut-off primary acknowledged, missing on the new primary %s", LAYOUT.nodeName(next)).isEmpty();
            faults.heal(primary);
            cutOff = false;
            watch.poweredOff.remove(primary);
            awaitReplicaOf(primary, next);
        } finally {
            writer.destroyForcibly();
            writer.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            Files.deleteIfExists(acks);
            if (cutOff) faults.heal(primary); // the next test needs every node
            watch.poweredOff.remove(primary);
        }
    }

    /**
     * A replica promoted behind haven's back (an administrator's pg_ctl promote) forks from the primary's history: haven
     * takes it back to a replica, which cannot stream from the primary any more; after a while without streaming its
     * agent fails it, and its restart rewinds it (pg_rewind), after which it streams and has the rows written since.
     */
    @Test
    void aReplicaThatForkedFromThePrimaryIsRewoundAndStreamsAgain() throws Exception {
        int primary = awaitPrimary(-1);
        for (int i : others(primary)) awaitReplicaOf(i, primary);
        int rogue = others(primary).get(0);
        // It takes writes until haven takes it back: not the split brain the watch looks for, but an administrator's doing.
        watch.poweredOff.add(rogue);
        try {
            Path data = lab.cluster().state().disk().resolve("pg");
            lab.cluster().inMountsOf(rogue, Duration.ofSeconds(30), "runuser", "-u", "postgres", "--",
                    haven.executor.agents.pg.PgBinaries.newest(haven.executor.agents.pg.PgBinaries.DEBIAN_ROOT).orElseThrow()
                            .resolve("pg_ctl").toString(), "promote", "-w", "-D", data.toString()).orThrow();
            assertThat(db.sql(ReplicatedPostgres.vip(LAYOUT), "create table if not exists after_fork (i bigint);"
                    + " insert into after_fork values (1)", WITHIN)).isPresent();
            long promotedAt = System.nanoTime();
            long deadline = promotedAt + Duration.ofSeconds(90).toNanos();
            Optional<String> streaming = Optional.empty();
            while (System.nanoTime() < deadline) {
                streaming = db.replication(rogue, "streaming");
                if (streaming.equals(Optional.of("true")) && db.replication(rogue, "following").equals(Optional.of(LAYOUT.nodeName(primary)))) break;
                Pids.sleep(500);
            }
            assertThat(streaming).as("%s streams from %s again\n%s", LAYOUT.nodeName(rogue), LAYOUT.nodeName(primary),
                    lab.cluster().logTails(40)).contains("true");
            String log = Files.readString(lab.cluster().state().log(LAYOUT.nodeName(rogue)));
            assertThat(log).as("its agent found it not streaming and rewound it").contains("has not streamed from")
                    .contains("rewound this copy to " + LAYOUT.nodeName(primary));
            System.out.printf("%s: %s promoted behind haven's back; streaming from %s again %d ms later%n", PREFIX,
                    LAYOUT.nodeName(rogue), LAYOUT.nodeName(primary), (System.nanoTime() - promotedAt) / 1_000_000);
            assertThat(db.sql(LAYOUT.nodeAddress(rogue), "select count(*) from after_fork", WITHIN)).as("the row written since, read on %s",
                    LAYOUT.nodeName(rogue)).contains("1");
        } finally {
            watch.poweredOff.remove(rogue);
        }
    }

    /** The one node that holds the address and takes writes, other than {@code old} (which is not tried). */
    private static int awaitPrimary(int old) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Set<Integer> skip = new java.util.HashSet<>(watch == null ? java.util.Set.of() : watch.poweredOff);
            skip.add(old);
            List<Integer> w = db.writable(skip);
            if (w.size() == 1 && Netns.ipv4Addresses(LAYOUT.nodeNamespace(w.get(0))).contains(ReplicatedPostgres.vip(LAYOUT))) return w.get(0);
            Pids.sleep(50);
        }
        throw new AssertionError("no primary other than " + old + " within " + WITHIN.toSeconds() + " s\n" + lab.cluster().logTails(40));
    }

    /** Waits until node {@code i}'s own API says its copy is a replica following {@code primary}. */
    private static void awaitReplicaOf(int i, int primary) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        Optional<String> role = Optional.empty(), following = Optional.empty();
        while (System.nanoTime() < deadline) {
            role = db.replication(i, "role");
            following = db.replication(i, "following");
            if (role.equals(Optional.of("replica")) && following.equals(Optional.of(LAYOUT.nodeName(primary)))) return;
            Pids.sleep(200);
        }
        throw new AssertionError(LAYOUT.nodeName(i) + " is not a replica of " + LAYOUT.nodeName(primary) + " within " + WITHIN.toSeconds()
                + " s: role " + role + ", following " + following + "\n" + lab.cluster().logTails(40));
    }

    private static List<Integer> others(int node) {
        return LAYOUT.nodesBut(node);
    }
}
