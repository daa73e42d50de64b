package haven.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.cli.ConfigCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Resources whose agent is installed on the host (ocf:, lsb:, systemd:): the loader checks their form
 * only; `haven config check` asks the installed OCF agent's meta-data about the parameters.
 */
class InstalledAgentConfigTest {
    /** Lines 1-8; resources from line 9 on. */
    private static final String BASE = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            resources:
            """;
    private static final Path IPADDR2 = Path.of("/usr/lib/ocf/resource.d/heartbeat/IPaddr2");

    @Test
    void theLoaderTakesInstalledAgentTypesAndPassesTheirParametersThrough() throws Exception {
        ClusterConfig c = ConfigLoader.parse(BASE + """
                  - name: vip
                    type: ocf:heartbeat:IPaddr2
                    params: { ip: 10.0.0.50, cidr_netmask: 24, anything_at_all: x }
                  - { name: web, type: "lsb:nginx" }
                  - { name: db, type: "systemd:postgresql@15-main.service" }
                """, "test.yaml");
        assertThat(c.resources()).extracting(ResourceConfig::type)
                .containsExactly("ocf:heartbeat:IPaddr2", "lsb:nginx", "systemd:postgresql@15-main.service");
        assertThat(c.resources().get(0).params()).isEqualTo(Map.of("ip", "10.0.0.50", "cidr_netmask", "24", "anything_at_all", "x"));
    }

    @Test
    void malformedNamesAndParametersAreReportedWithTheirPlaceAndFix() {
        List<ConfigProblem> p = Check.problems(BASE + """
                  - { name: a, type: "ocf:heartbeat" }
                  - { name: b, type: "lsb:nginx", params: { port: 80 } }
                  - { name: c, type: "ocf:heartbeat:IPaddr2", params: { cidr-netmask: 24 } }
                  - { name: d, type: "ocf:../../bin:sh" }
                """);
        assertThat(p).hasSize(4);
        Check.assertAt(p.get(0), 9, 22, "resources[a].type 'ocf:heartbeat' is not ocf:PROVIDER:TYPE");
        assertThat(p.get(0).hint()).contains("`haven agent list`");
        Check.assertAt(p.get(1), 10, 45, "resources[b].params.port: type lsb:nginx takes no parameters");
        Check.assertAt(p.get(2), 11, 57, "resources[c].params.cidr-netmask is not an OCF parameter name");
        assertThat(p.get(2).hint()).contains("OCF_RESKEY_cidr-netmask").contains("`haven agent info ocf:heartbeat:IPaddr2`");
        Check.assertAt(p.get(3), 12, 22, "contains '..'");
    }

    @Test
    void configCheckNamesAnUnknownParameterWithTheNearestAndAMissingRequiredOne(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(IPADDR2), "resource-agents (IPaddr2) is not installed here");
        Path file = write(dir, BASE + """
                  - name: vip
                    type: ocf:heartbeat:IPaddr2
                    params: { cidr_netmsk: 24 }
                  - name: web
                    type: ocf:heartbeat:nginx
                    params: { configfile: /etc/nginx/nginx.conf, port: eighty }
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "check", file.toString())).isEqualTo(1);
        assertThat(err.toString())
                .contains(file + ":11:13: resources[vip].params: parameter 'ip' (IPv4 or IPv6 address) is required by "
                        + "ocf:heartbeat:IPaddr2\n  hint: add ip: VALUE under params:")
                .contains(file + ":11:28: resources[vip].params: parameter 'cidr_netmsk' is not known to "
                        + "ocf:heartbeat:IPaddr2; did you mean 'cidr_netmask'?\n  hint: `haven agent info ocf:heartbeat:IPaddr2` "
                        + "lists every parameter it accepts")
                .contains(file + ":14:56: resources[web].params: parameter 'port' must be a whole number for ocf:heartbeat:nginx, "
                        + "not 'eighty'")
                .contains("3 problems in " + file);
    }

    @Test
    void configCheckSaysClearlyWhenAnAgentIsNotInstalledHereAndStillAcceptsTheFile(@TempDir Path dir) throws Exception {
        Path file = write(dir, BASE + """
                  - { name: a, type: "ocf:heartbeat:IPadr2", params: { ip: 10.0.0.50 } }
                  - { name: b, type: "lsb:no-such-script" }
                """);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(run(out, err, "check", file.toString())).isEqualTo(0);
        assertThat(err.toString())
                .contains(file + ":9:22: warning: resources[a].type: ocf:heartbeat:IPadr2 is not installed on this machine "
                        + "(no /usr/lib/ocf/resource.d/heartbeat/IPadr2), so its parameters were not checked")
                .contains("install resource-agents on every node (Debian: apt-get install resource-agents)")
                .contains(file + ":10:22: warning: resources[b].type: init script /etc/init.d/no-such-script does not exist here")
                .contains("2 warnings in " + file);
        if (Files.isExecutable(IPADDR2)) assertThat(err.toString()).contains("hint: did you mean 'IPaddr2'?");
    }

    @Test
    void configCheckWarnsOfTimeoutsShorterThanTheAgentAdvises(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(IPADDR2), "resource-agents (IPaddr2) is not installed here");
        Path file = write(dir, BASE + """
                  - name: vip
                    type: ocf:heartbeat:IPaddr2
                    params: { ip: 10.0.0.50, cidr_netmask: 24 }
                    start_timeout: 5s
                    monitor_timeout: 20s
                """);
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "check", file.toString())).isEqualTo(0);
        assertThat(err.toString())
                .contains(file + ":12:20: warning: resources[vip].start_timeout: 5s is shorter than the 20s "
                        + "ocf:heartbeat:IPaddr2 advises for start\n  hint: set start_timeout: 20s or more, or check with "
                        + "`haven agent test ocf:heartbeat:IPaddr2` that start finishes well within 5s")
                .contains("1 warning in " + file)
                .as("the default stop_timeout and the written monitor_timeout meet the advice").doesNotContain("stop_timeout")
                .doesNotContain("monitor_timeout");
    }

    @Test
    void configCheckWarnsWhereSystemdIsNotRunning(@TempDir Path dir) throws Exception {
        String pid1 = Files.readString(Path.of("/proc/1/comm")).strip();
        assumeTrue(!pid1.equals("systemd"), "systemd runs here");
        Path file = write(dir, BASE + "  - { name: a, type: \"systemd:nginx\" }\n");
        StringWriter err = new StringWriter();
        assertThat(run(new StringWriter(), err, "check", file.toString())).isEqualTo(0);
        assertThat(err.toString()).contains(file + ":9:22: warning: resources[a].type: systemd is not running on this machine "
                + "(PID 1 is " + pid1 + "); use lsb: or ocf: or process");
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
