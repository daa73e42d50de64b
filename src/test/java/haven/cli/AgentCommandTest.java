package haven.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.cli.AgentConformanceRealAgentsTest.Out;
import haven.executor.agents.ocf.OcfRoot;
import haven.executor.agents.ocf.ShippedAgents;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `haven agent`: the conformance test fails clearly on broken agents; list, info and bad names read well. */
class AgentCommandTest {
    private static Out agent(String... args) {
        return AgentConformanceRealAgentsTest.agent(args);
    }

    @Test
    void anAgentWhoseStopLeavesItRunningFailsAtTheMonitorAfterStop(@TempDir Path dir) throws Exception {
        ShippedAgents.install(dir.resolve("ocf"));
        Path state = dir.resolve("broken.state");
        Out out = agent("test", "--ocf-root", dir.resolve("ocf").toString(), "haventest:StopLeavesRunning", "state=" + state);
        assertThat(out.code()).as(out.stdout() + out.stderr()).isEqualTo(1);
        assertThat(out.stdout())
                .contains("PASS  stop                       exit 0")
                .contains("FAIL  monitor after stop         exit 0")
                .contains("expected 7 (not running), got 0 (success): stop left it running (or it cannot tell)")
                .contains("result: FAILED at step 'monitor after stop' (1 of 9 steps failed): not safe to use in a cluster");
        Files.deleteIfExists(state);
    }

    @Test
    void anAgentWhoseMonitorAlwaysSaysRunningFailsAtTheFirstProbe(@TempDir Path dir) throws Exception {
        ShippedAgents.install(dir.resolve("ocf"));
        Out out = agent("test", "--ocf-root", dir.resolve("ocf").toString(), "ocf:haventest:MonitorAlwaysRunning",
                "state=" + dir.resolve("s"));
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stdout())
                .contains("SKIP  validate-all")
                .contains("FAIL  monitor when stopped       exit 0")
                .contains("it claims to run before it was started: every node's probe would find it active")
                .contains("result: FAILED at step 'monitor when stopped' (2 of 9 steps failed)");
    }

    @Test
    void aMissingRequiredParameterFailsAtValidateAll(@TempDir Path dir) throws Exception {
        ShippedAgents.install(dir.resolve("ocf"));
        Out out = agent("test", "--ocf-root", dir.resolve("ocf").toString(), "StopLeavesRunning");
        assertThat(out.code()).isEqualTo(1);
        assertThat(out.stdout()).contains("agent test ocf:haventest:StopLeavesRunning")
                .contains("FAIL  validate-all               exit 6")
                .contains("expected 0 (success), got 6 (not configured): the parameters are rejected");
    }

    @Test
    void aPassingRunOfTheShippedGoodAgentExitsZero(@TempDir Path dir) throws Exception {
        ShippedAgents.install(dir.resolve("ocf"));
        Out out = agent("test", "--ocf-root", dir.resolve("ocf").toString(), "EnvDump", "dump=" + dir.resolve("env"));
        assertThat(out.code()).as(out.stdout()).isEqualTo(0);
        assertThat(out.stdout()).contains("PASS  meta-data                  exit 0").contains("3 parameters, 5 actions")
                .contains("result: PASSED (9 steps)");
    }

    @Test
    void unknownAgentsAreNamedWithTheNearestInstalledOne() {
        assumeTrue(OcfRoot.STANDARD.agents().size() > 100, "resource-agents is not installed here");
        Out out = agent("test", "IPadr2");
        assertThat(out.code()).isEqualTo(2);
        assertThat(out.stderr()).contains("haven agent test: no agent 'IPadr2' here").contains("did you mean 'IPaddr2'?")
                .contains("`haven agent list` shows them");
        Out bad = agent("info", "ocf:heartbeat");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.stderr()).contains("write ocf:PROVIDER:TYPE");
        Out param = agent("test", "Dummy", "state");
        assertThat(param.code()).isEqualTo(2);
        assertThat(param.stderr()).contains("'state' is not NAME=VALUE");
    }

    @Test
    void infoShowsParametersWithRequiredMarksDefaultsAndActionTimeouts() {
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat/IPaddr2")), "IPaddr2 is not installed");
        Out out = agent("info", "IPaddr2");
        assertThat(out.code()).as(out.stderr()).isEqualTo(0);
        assertThat(out.stdout()).startsWith("ocf:heartbeat:IPaddr2 (version 1.0): ")
                .containsPattern("\\n  \\*ip +string +IPv4 or IPv6 address \\(unique\\)")
                .containsPattern("\\n   cidr_netmask +string")
                .containsPattern("\\n  start +timeout 20s")
                .containsPattern("\\n  monitor +timeout 20s interval 10s")
                .contains("use it as:  type: ocf:heartbeat:IPaddr2");
    }

    @Test
    void listShowsAgentsByProviderInitScriptsAndWhySystemdIsUnusable(@TempDir Path dir) throws Exception {
        ShippedAgents.install(dir.resolve("ocf"));
        Path initd = Files.createDirectories(dir.resolve("init.d"));
        Path script = Files.writeString(initd.resolve("mydaemon"), "#!/bin/sh\nexit 0\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        Out out = agent("list", "--ocf-root", dir.resolve("ocf").toString(), "--init-dir", initd.toString());
        assertThat(out.code()).isEqualTo(0);
        assertThat(out.stdout()).contains("ocf:haventest: (5)\n  Daemonizes EnvDump MonitorAlwaysRunning Stateful StopLeavesRunning\n")
                .contains("lsb: (1)\n  mydaemon\n").contains("systemd: ");
    }
}
