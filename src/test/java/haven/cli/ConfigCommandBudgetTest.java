package haven.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `haven config check` prints each group's failover budget, and rejects unsafe timers with exit code 1. */
class ConfigCommandBudgetTest {
    private static final String CONFIG = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            timing:
              lease_margin: %s
            resources:
              - { name: vip, type: ipaddr, params: { address: 10.0.0.100/24 }, start_timeout: 2s, stop_timeout: 20ms,
                  monitor_timeout: 1s }
              - { name: site, type: process, params: { command: /bin/site }, start_timeout: 5s, stop_timeout: 20ms,
                  monitor_timeout: 3s }
            groups:
              - { name: web, members: [vip, site] }
            """;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aValidFilePrintsTheBudgetTableAndExitsZero(@TempDir Path dir) throws Exception {
        assertThat(run("check", write(dir, "100ms").toString())).isEqualTo(0);
        assertThat(out.toString().lines().toList()).startsWith(
                "ok: cluster lab, 3 nodes, 2 resources in 1 groups",
                "start order (addresses after the members that can start without them; order: listed keeps the written order):",
                "  web starts site, then vip",
                "",
                "failover budget: worst case from a node's death to its groups running elsewhere",
                "group  detect  confirm  lease-wait  fence  plan  probe+start  worst-case",
                "web    500ms   80ms     70ms        0ms    80ms  10.0s        10.8s");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void anUnsafeTimerIsAProblemAtItsPlaceAndExitsOne(@TempDir Path dir) throws Exception {
        Path file = write(dir, "30ms");
        assertThat(run("check", file.toString())).isEqualTo(1);
        // A timing rule is the loader's (the daemon refuses the same file), so no budget is computed.
        assertThat(out.toString()).doesNotContain("ok:").doesNotContain("web ");
        assertThat(err.toString())
                .contains(file + ":9:17: timing.lease_margin (30ms) must be at least 50ms")
                .contains("  hint: ")
                .contains("1 problem in " + file);
    }

    @Test
    void jsonGivesMillisecondsAndEveryFinding(@TempDir Path dir) throws Exception {
        assertThat(run("check", "--json", write(dir, "100ms").toString())).isEqualTo(0);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("valid").asBoolean()).isTrue();
        assertThat(doc.path("groups").get(0).path("group").asText()).isEqualTo("web");
        assertThat(doc.path("groups").get(0).path("worst_case_ms").asLong()).isEqualTo(500 + 80 + 70 + 80 + 10_000);
        assertThat(err.toString()).isEmpty();
        out.getBuffer().setLength(0);
        assertThat(run("check", "--json", write(dir, "30ms").toString())).isEqualTo(1);
        doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("valid").asBoolean()).isFalse();
        assertThat(doc.path("groups")).isEmpty();
        assertThat(doc.path("problems")).extracting(p -> p.path("severity").asText() + "@" + p.path("line").asInt())
                .containsExactly("error@9");
    }

    @Test
    void jsonOfAFileTheLoaderRejectsListsItsProblems(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "cluster: {}\n");
        assertThat(run("check", "--json", file.toString())).isEqualTo(1);
        JsonNode doc = new ObjectMapper().readTree(out.toString());
        assertThat(doc.path("valid").asBoolean()).isFalse();
        assertThat(doc.path("groups")).isEmpty();
        assertThat(doc.path("problems").size()).isPositive();
        assertThat(doc.path("problems").get(0).path("severity").asText()).isEqualTo("error");
    }

    private static Path write(Path dir, String leaseMargin) throws Exception {
        // Owner-only, as it holds the key: a file others may read would add a warning to every check.
        return Files.setPosixFilePermissions(Files.writeString(dir.resolve("cluster.yaml"), CONFIG.formatted(leaseMargin)),
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    private int run(String... args) {
        return new CommandLine(new ConfigCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(args);
    }
}
