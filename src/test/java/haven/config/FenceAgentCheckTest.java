package haven.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.cli.ConfigCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `haven config check` asks the fence agents installed here about each device; loading never does. */
class FenceAgentCheckTest {
    private static final Path IPMILAN = Path.of("/usr/sbin/fence_ipmilan");
    /** Lines 1-11; devices from line 12 on. */
    private static final String BASE = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            resources:
              - { name: a, type: process, params: { command: /bin/a }, start_timeout: 1s, monitor_timeout: 1s }
            fencing:
              devices:
            """;
    /** Lines 12-15: a device whose agent no machine has. */
    private static final String MISSING = """
                - name: pdu
                  agent: fence_no_such_agent
                  hosts: [n1, n2, n3]
                  timeout: 5s
            """;

    @Test
    void anAgentMissingHereIsAWarningAndTheFileIsStillValid(@TempDir Path dir) throws Exception {
        Path file = write(dir, BASE + MISSING);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "check", file.toString())).isEqualTo(0);
        assertThat(out.toString()).startsWith("ok: cluster lab").contains("fence = slowest fencing path + delay");
        assertThat(err.toString())
                .contains(file + ":13:14: warning: fencing.devices[pdu].agent: fence agent 'fence_no_such_agent' not "
                        + "found here")
                .contains("hint: install fence-agents on every node (Debian: apt-get install fence-agents), or give "
                        + "the agent's absolute path (searched /usr/sbin, /usr/local/sbin, /sbin and haven's own agents)")
                .contains("1 warning in " + file)
                .doesNotContain("problem");
    }

    @Test
    void aMisspeltParameterOfAnInstalledAgentIsAnError(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(IPMILAN), "fence-agents (fence_ipmilan) is not installed here");
        String yaml = BASE + MISSING + """
                - name: ipmi
                  agent: fence_ipmilan
                  params: { ip: 10.0.0.201, usernme: admin, password: secret }
                  hosts: [n1]
                  timeout: 5s
            """;
        ConfigLoader.parse(yaml, "loads.yaml");
        Path file = write(dir, yaml);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "check", file.toString())).isEqualTo(1);
        assertThat(out.toString()).doesNotContain("ok:");
        assertThat(err.toString())
                .contains(file + ":13:14: warning: fencing.devices[pdu].agent")
                .contains(file + ":18:42: fencing.devices[ipmi].params: parameter 'usernme' is not known to "
                        + "fence_ipmilan; did you mean 'username'?")
                .contains("hint: `haven fence metadata fence_ipmilan` lists every parameter")
                .contains("1 problem in " + file + "; 1 warning");
    }

    @Test
    void jsonGivesEachFindingItsSeverity(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(IPMILAN), "fence-agents (fence_ipmilan) is not installed here");
        Path file = write(dir, BASE + MISSING + """
                - { name: ipmi, agent: /usr/sbin/fence_ipmilan, params: { ip: 10.0.0.201, method: fast }, hosts: [n1], timeout: 5s }
            """);
        StringWriter out = new StringWriter();
        assertThat(run(out, new StringWriter(), "check", "--json", file.toString())).isEqualTo(1);
        assertThat(out.toString()).contains("\"valid\" : false")
                .contains("\"severity\" : \"warning\"")
                .contains("\"severity\" : \"error\"")
                .contains("parameter 'method' is 'fast' but fence_ipmilan accepts only onoff, cycle");
    }

    @Test
    void loadingRunsNoAgent() throws Exception {
        // An agent that does not exist anywhere loads fine: only `haven config check` looks for it.
        assertThat(ConfigLoader.parse(BASE + MISSING, "test.yaml").fencing()).isPresent();
    }

    private static Path write(Path dir, String yaml) throws Exception {
        Path file = dir.resolve("cluster.yaml");
        Files.writeString(file, yaml);
        // Owner-only, as it holds the key: a file others may read would add a warning to every check.
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static int run(StringWriter out, StringWriter err, String... args) {
        return new CommandLine(new ConfigCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }
}
