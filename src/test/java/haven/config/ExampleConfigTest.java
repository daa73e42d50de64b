package haven.config;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cli.ConfigCommand;
import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.config.fence.FenceDevice;
import haven.config.fence.FenceLevel;
import haven.config.fence.FencingTopology;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The format from the design, the shipped example, and `haven config check / example`. */
class ExampleConfigTest {

    private static Path resource(String name) throws Exception {
        return Path.of(ExampleConfigTest.class.getResource("/config/" + name).toURI());
    }

    @Test
    void theFullFormatLoads() throws Exception {
        ClusterConfig c = ConfigLoader.load(resource("full.yaml"));
        assertThat(c.clusterName()).isEqualTo("lab");
        assertThat(new String(c.key(), StandardCharsets.UTF_8)).isEqualTo("at-least-16-characters");
        assertThat(c.port()).isEqualTo(7800);
        assertThat(c.apiPort()).isEqualTo(7480);
        assertThat(c.timing()).isEqualTo(new Timing(Duration.ofMillis(80), Duration.ofMillis(400),
                Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(c.policy()).isEqualTo(Policy.DEFAULT);
        assertThat(c.nodes()).containsExactly(new NodeConfig(NodeId.of("n1"), "10.99.0.1"),
                new NodeConfig(NodeId.of("n2"), "10.99.0.2"), new NodeConfig(NodeId.of("n3"), "10.99.0.3"));
        assertThat(c.resources()).containsExactly(
                new ResourceConfig(ResourceId.of("vip"), "ipaddr", Map.of("address", "10.99.0.100/24"),
                        Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(10)),
                new ResourceConfig(ResourceId.of("site"), "process",
                        Map.of("command", "nginx -g 'daemon off;'", "check", "http://127.0.0.1:80/"),
                        Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(10)),
                new ResourceConfig(ResourceId.of("monitor"), "process", Map.of("command", "/usr/bin/watcher"),
                        Duration.ofSeconds(5), Duration.ofSeconds(20), Duration.ofSeconds(5), Duration.ofSeconds(10)));
        assertThat(c.groups()).containsExactly(
                new GroupConfig(GroupId.of("web"), List.of(ResourceId.of("vip"), ResourceId.of("site")),
                        Optional.of(NodeId.of("n1")), StartOrder.Mode.AUTO, List.of(ResourceId.of("site"), ResourceId.of("vip"))),
                new GroupConfig(GroupId.of("monitor"), List.of(ResourceId.of("monitor")), Optional.empty()));
    }

    @Test
    void theShippedExamplePassesTheChecker() throws Exception {
        StringWriter example = new StringWriter();
        assertThat(run(example, new StringWriter(), "example")).isEqualTo(0);
        assertThat(example.toString()).startsWith("# haven cluster configuration.");
        ClusterConfig c = ConfigLoader.parse(example.toString(), "example-config.yaml");
        assertThat(c.nodes()).hasSize(3);
        assertThat(c.groups()).extracting(GroupConfig::id).containsExactly(GroupId.of("web"));
    }

    @Test
    void theShippedExampleHasNoProblem(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, exampleText());
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "check", file.toString())).isEqualTo(0);
        // The example writes its resources' default timeouts out, which earns one budget warning; it names
        // neither section added later.
        assertThat(err.toString()).doesNotContain("problem").doesNotContain("quorum").doesNotContain("fencing");
    }

    @Test
    void theExamplesCommentedOutQuorumAndFencingLoadOnceUncommented() throws Exception {
        String text = uncomment(exampleText(), "# quorum:", "# fencing:");
        ClusterConfig c = ConfigLoader.parse(text, "example-config.yaml");
        assertThat(c.quorum()).isEqualTo(new Quorum(Quorum.Mode.MAJORITY, false, Quorum.NoQuorumPolicy.STOP,
                List.of("10.99.0.254")));
        FencingTopology t = c.fencing().orElseThrow();
        assertThat(t.devices()).extracting(FenceDevice::name).containsExactly("ipmi-n1", "pdu");
        assertThat(t.device("pdu").orElseThrow().plugFor("n3")).contains("3");
        assertThat(t.levelsFor("n1")).containsExactly(FenceLevel.of(1, "ipmi-n1"), FenceLevel.of(2, "pdu"));
        assertThat(t.levelsFor("n2")).containsExactly(FenceLevel.of(1, "pdu"));
    }

    private static String exampleText() throws Exception {
        StringWriter example = new StringWriter();
        assertThat(run(example, new StringWriter(), "example")).isEqualTo(0);
        return example.toString();
    }

    /** Removes "# " from each line of the blocks that start with one of {@code starts}, up to a blank line. */
    private static String uncomment(String text, String... starts) {
        StringBuilder out = new StringBuilder();
        boolean inBlock = false;
        for (String line : text.split("\n", -1)) {
            if (List.of(starts).contains(line)) {
                inBlock = true;
            } else if (line.isBlank()) {
                inBlock = false;
            }
            out.append(inBlock ? line.substring(2) : line).append('\n');
        }
        return out.toString();
    }

    @Test
    void checkSaysOkAndPrintsTheFailoverBudgetForAValidFile(@TempDir Path dir) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "check", resource("full.yaml").toString())).isEqualTo(0);
        assertThat(out.toString()).startsWith("ok: cluster lab, 3 nodes, 3 resources in 2 groups" + System.lineSeparator())
                .contains("failover budget");
        assertThat(err.toString()).doesNotContain("problem");
    }

    @Test
    void checkPrintsEveryProblemAndExitsOne() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path broken = resource("broken.yaml");
        assertThat(run(out, err, "check", broken.toString())).isEqualTo(1);
        assertThat(out.toString()).isEmpty();
        assertThat(err.toString())
                .contains(broken + ":1:1: cluster.key is missing")
                .contains(broken + ":5:14: nodes[n1].address '10.99.0.300'")
                .contains(broken + ":11:11: resources[vip].name 'vip' is used twice")
                .contains("  hint: ")
                .contains("3 problems in " + broken);
    }

    @Test
    void checkOfAMissingFileExitsTwo(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        Path missing = dir.resolve("nope.yaml");
        assertThat(run(new StringWriter(), err, "check", missing.toString())).isEqualTo(2);
        assertThat(err.toString()).contains(missing + ": no such file");
    }

    @Test
    void checkOfADirectoryExitsTwo(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("d"));
        assertThat(run(new StringWriter(), new StringWriter(), "check", dir.resolve("d").toString())).isEqualTo(2);
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        return new CommandLine(new ConfigCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }
}
