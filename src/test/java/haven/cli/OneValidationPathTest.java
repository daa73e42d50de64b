package haven.cli;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.config.budget.Finding;
import haven.daemon.DaemonMain;
import haven.daemon.WitnessCommand;
import haven.validation.AgentChecks;
import haven.validation.ConfigCheck;
import haven.validation.ConfigValidator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * `haven node`, `haven witness`, `haven config check` and a change through PUT /ha/config (what
 * `haven config apply` sends) judge a file by the same rules and report each problem the same way, at its
 * line and column: a timing rule that only the check used to enforce, and an OCF parameter name only the
 * executor used to refuse (at start, with an exception and no place).
 */
class OneValidationPathTest {
    private static final String GOOD = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            timing:
              lease_margin: 100ms
            resources:
              - name: d
                type: ocf:heartbeat:Dummy
                params: { state: /run/d.state }
            """;
    private static final String BAD = GOOD.replace("lease_margin: 100ms", "lease_margin: 30ms")
            .replace("{ state: /run/d.state }", "{ state: /run/d.state, CRM_meta_timeout: \"5000\" }");
    private static final String TIMING = ":9:17: timing.lease_margin (30ms) must be at least 50ms";
    private static final String CRM_META = ":13:36: resources[d].params.CRM_meta_timeout is reserved";

    @Test
    void theSharedEntryPointReportsBothAtTheirPlaces(@TempDir Path dir) throws Exception {
        Path file = write(dir);
        ConfigCheck.Outcome o = ConfigCheck.file(file, AgentChecks.INSTALLED);
        assertThat(o.ok()).isFalse();
        assertThat(o.errors()).extracting(Finding::toString).satisfiesExactly(
                t -> assertThat(t).startsWith(file + TIMING),
                c -> assertThat(c).startsWith(file + CRM_META));
    }

    @Test
    void configCheckReportsBoth(@TempDir Path dir) throws Exception {
        Path file = write(dir);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new ConfigCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("check", file.toString());
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains(file + TIMING, file + CRM_META, "2 problems in " + file);
    }

    @Test
    void aNodeRefusesToStartWithBothReportedTheSameWay(@TempDir Path dir) throws Exception {
        Path file = write(dir);
        String err = stderrOf(() -> assertThat(new CommandLine(new NodeCommand()).execute("--config", file.toString(),
                "--name", "n1", "--state-dir", dir.resolve("state").toString())).isEqualTo(2));
        assertThat(err).contains(file + TIMING, file + CRM_META, "2 problems in " + file);
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void theDaemonEntryTheLabStartsRefusesTheSameWay(@TempDir Path dir) throws Exception {
        // The lab starts daemons through DaemonMain, below the CLI: it must be `haven node` word for word.
        String err = stderrOf(() -> assertThat(new CommandLine(new DaemonMain()).execute("node", "--config", write(dir).toString(),
                "--name", "n1", "--state-dir", dir.resolve("state").toString())).isEqualTo(2));
        assertThat(err).contains(dir.resolve("cluster.yaml") + TIMING, dir.resolve("cluster.yaml") + CRM_META);
        assertThat(dir.resolve("state")).doesNotExist();
    }

    @Test
    void theDaemonEntryParsesTheOptionsOfHavenNodeAndHavenWitness() {
        CommandLine daemon = new CommandLine(new DaemonMain());
        CommandLine cli = new CommandLine(new Main());
        for (String command : new String[] {"node", "witness"}) {
            assertThat(optionNames(daemon.getSubcommands().get(command))).as(command)
                    .isNotEmpty().isEqualTo(optionNames(cli.getSubcommands().get(command)));
        }
    }

    private static java.util.List<String> optionNames(CommandLine command) {
        return command.getCommandSpec().options().stream().map(o -> String.join("|", o.names())).sorted().toList();
    }

    @Test
    void aWitnessRefusesToStartWithTheTimingRuleReportedTheSameWay(@TempDir Path dir) throws Exception {
        // A witness runs no resource and asks no agent, but every rule of the loader is the node's.
        Path file = write(dir);
        String err = stderrOf(() -> assertThat(new CommandLine(new WitnessCommand()).execute("--config", file.toString(),
                "--state-dir", dir.resolve("witness").toString())).isEqualTo(2));
        assertThat(err).contains(file + TIMING, file + CRM_META);
        assertThat(dir.resolve("witness")).doesNotExist();
    }

    @Test
    void aChangeThroughTheApiIsRefusedWithBothReportedTheSameWay(@TempDir Path dir) throws Exception {
        ClusterConfig running = ConfigLoader.parse(GOOD, "running");
        // ConfigResource answers PUT /ha/config with these lines (422), and `haven config apply` prints them.
        ConfigValidator validator = new ConfigValidator(dir, AgentChecks.INSTALLED);
        ConfigValidator.Verdict v = validator.check(BAD, "PUT /ha/config", running);
        assertThat(v.ok()).isFalse();
        assertThat(v.problems()).satisfiesExactly(
                t -> assertThat(t).startsWith("PUT /ha/config" + TIMING),
                c -> assertThat(c).startsWith("PUT /ha/config" + CRM_META));
    }

    @Test
    void theExecutorUsesTheLoadersRule() {
        assertThat(haven.executor.agents.ocf.OcfEnvironment.validParameterName("CRM_meta_timeout")).isFalse();
        assertThat(haven.executor.agents.ocf.OcfEnvironment.validParameterName("state")).isTrue();
        assertThat(haven.config.OcfParameterName.valid("CRM_meta_interval")).isFalse();
    }

    private static Path write(Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("cluster.yaml"), BAD);
        return Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private interface Body {
        void run() throws Exception;
    }

    private static synchronized String stderrOf(Body body) throws Exception {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
