package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `haven add postgresql` (ocf:heartbeat:IPaddr2 + ocf:heartbeat:pgsql) on three nodes, each with a database
 * cluster of its own made by initdb in its lab folder: after power loss of the node serving it, psql from
 * the client runs a query at the VIP and another node answers. (Each node's data is its own here; keeping
 * one copy of the data across nodes is replication's job, not this test's.)
 */
@Tag("lab")
class PostgresqlServiceFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tsvp");
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        lab = ServiceLab.up(PREFIX, List.of(), PostgresqlServiceFailoverTest::cluster,
                "postgresql", "db", "--data", LabFiles.etcDir(PREFIX).resolve("pgdata").toString());
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    /** A database cluster owned by postgres, named after the node, open to the lab subnet. */
    private static void cluster(Path dir, String node, ServiceLab lab) throws IOException {
        Path bin = Path.of("/usr/lib/postgresql").resolve(pgVersion()).resolve("bin");
        Path data = dir.resolve("pgdata");
        Exec.run(Duration.ofSeconds(5), "chown", "postgres:postgres", dir.toString()).orThrow();
        Exec.run(Duration.ofSeconds(60), "runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(),
                "-D", data.toString(), "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8").orThrow();
        Files.writeString(data.resolve("postgresql.conf"), "\ncluster_name = '" + node + "'\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(data.resolve("pg_hba.conf"), "\nhost all all " + lab.layout.subnet() + " trust\n",
                java.nio.file.StandardOpenOption.APPEND);
    }

    private static String pgVersion() throws IOException {
        try (var v = Files.list(Path.of("/usr/lib/postgresql"))) {
            return v.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d+"))
                    .max(java.util.Comparator.comparingInt(Integer::parseInt)).orElseThrow();
        }
    }

    private static Optional<String> query(ServiceLab lab) {
        return lab.client(Duration.ofSeconds(4), "env", "PGCONNECT_TIMEOUT=2", "psql", "-h", lab.vip(), "-U",
                "postgres", "-d", "postgres", "-XAt", "-c", "select 1, current_setting('cluster_name')");
    }

    @Test
    void powerLossOfTheServingNodeLeavesTheDatabaseAnsweringFromAnotherNode() {
        Duration took = lab.failOver(PostgresqlServiceFailoverTest::query, Duration.ofSeconds(60));
        assertThat(query(lab)).hasValueSatisfying(a -> assertThat(a).startsWith("1|n"));
        assertThat(took).isLessThan(Duration.ofSeconds(60));
    }
}
