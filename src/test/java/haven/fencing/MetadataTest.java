package haven.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Metadata parsing and parameter checks against the real agents of Debian's fence-agents package (skipped
 * where it is not installed: `apt-get install fence-agents`), and against haven's own agents.
 */
class MetadataTest {
    private static final FenceAgentRunner RUNNER = new FenceAgentRunner();

    private static AgentMetadata real(String agent) {
        Path path = Path.of("/usr/sbin", agent);
        assumeTrue(Files.isExecutable(path), path + " is not installed (apt-get install fence-agents)");
        AgentRun run = RUNNER.run(List.of(path.toString()), FenceAction.METADATA, Map.of(), Duration.ofSeconds(20));
        assertThat(run.ok()).as(run.describe()).isTrue();
        return MetadataParser.parse(agent, run.stdout());
    }

    private static List<String> errors(AgentMetadata md, Map<String, String> params) {
        return ParameterCheck.check("dev1", params, md).stream().filter(ParameterProblem::error)
                .map(ParameterProblem::toString).toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"fence_ipmilan", "fence_apc", "fence_virsh", "fence_apc_snmp", "fence_ilo_ssh"})
    void realAgentsDescribeThemselves(String agent) {
        AgentMetadata md = real(agent);
        assertThat(md.agent()).isEqualTo(agent);
        assertThat(md.shortdesc()).isNotBlank();
        assertThat(md.names()).contains("action", "plug", "port", "password", "delay");
        assertThat(md.plugParameter()).isEqualTo("plug");
        assertThat(md.actions()).contains("on", "off", "reboot", "status", "monitor", "metadata");
        assertThat(md.parameter("port").orElseThrow().deprecated()).isTrue();
        assertThat(md.parameter("plug").orElseThrow().obsoletes()).contains("port");
        assertThat(md.replacementOf("passwd")).contains("password");
        assertThat(md.parameters()).allSatisfy(p -> assertThat(p.shortdesc()).as(p.name()).isNotBlank());
    }

    @Test
    void ipmilanParameterDetails() {
        AgentMetadata md = real("fence_ipmilan");
        ParameterSpec method = md.parameter("method").orElseThrow();
        assertThat(method.type()).isEqualTo("select");
        assertThat(method.options()).containsExactly("onoff", "cycle");
        assertThat(method.defaultValue()).contains("onoff");
        assertThat(md.parameter("ipport").orElseThrow().type()).isEqualTo("integer");
        assertThat(md.parameter("lanplus").orElseThrow().type()).isEqualTo("boolean");
        assertThat(md.supports(FenceAction.LIST)).isFalse();
        assertThat(md.supports(FenceAction.STATUS)).isTrue();
    }

    @Test
    void aGoodApcDeviceHasNoErrors() {
        AgentMetadata md = real("fence_apc");
        assertThat(errors(md, Map.of("ip", "10.0.0.5", "username", "apc", "password", "x", "ssh", "1"))).isEmpty();
        // the deprecated names satisfy the requirement too, with a warning naming the current ones
        List<ParameterProblem> old = ParameterCheck.check("pdu", Map.of("ipaddr", "10.0.0.5", "login", "apc"), md);
        assertThat(old).noneMatch(ParameterProblem::error);
        assertThat(old).extracting(ParameterProblem::toString).containsExactlyInAnyOrder(
                "warning: fence device 'pdu': parameter 'ipaddr' is deprecated in fence_apc; write 'ip' instead",
                "warning: fence device 'pdu': parameter 'login' is deprecated in fence_apc; write 'username' instead");
    }

    @Test
    void missingRequiredParametersAreNamedOnceWithTheFix() {
        AgentMetadata md = real("fence_apc");
        List<String> errors = errors(md, Map.of("password", "x"));
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).contains("parameter 'ip'", "is required by fence_apc", "add ip=...");
        assertThat(errors.get(1)).contains("parameter 'username'", "add username=...");
    }

    @Test
    void typosGetTheNearestKnownName() {
        AgentMetadata md = real("fence_ipmilan");
        assertThat(errors(md, Map.of("ip", "10.0.0.5", "usrname", "admin")))
                .containsExactly("fence device 'dev1': parameter 'usrname' is not known to fence_ipmilan; did you mean 'username'?");
        assertThat(errors(md, Map.of("ip", "10.0.0.5", "pasword", "x")).get(0)).contains("did you mean 'password'?");
        assertThat(errors(md, Map.of("ip", "10.0.0.5", "power-timeout", "5")).get(0)).contains("did you mean 'power_timeout'?");
        assertThat(errors(md, Map.of("colour", "blue")).get(0))
                .contains("'colour' is not known", "haven fence metadata fence_ipmilan");
    }

    @Test
    void valuesOfSelectAndIntegerParametersAreChecked() {
        AgentMetadata md = real("fence_ipmilan");
        assertThat(errors(md, Map.of("method", "cycl"))).containsExactly(
                "fence device 'dev1': parameter 'method' is 'cycl' but fence_ipmilan accepts only onoff, cycle");
        assertThat(errors(md, Map.of("ipport", "six hundred"))).singleElement().asString()
                .contains("'ipport' must be a whole number");
        assertThat(errors(md, Map.of("method", "cycle", "ipport", "623"))).isEmpty();
    }

    @Test
    void bundledLabAgentDescribesItself(@TempDir Path dir) throws Exception {
        Path agent = BundledAgents.extractTo(BundledAgents.LAB_AGENT, dir);
        assertThat(Files.isExecutable(agent)).isTrue();
        AgentRun run = RUNNER.run(List.of(agent.toString()), FenceAction.METADATA, Map.of(), Duration.ofSeconds(10));
        assertThat(run.ok()).as(run.describe()).isTrue();
        AgentMetadata md = MetadataParser.parse(BundledAgents.LAB_AGENT, run.stdout());
        assertThat(md.agent()).isEqualTo("fence_haven_lab");
        assertThat(md.plugParameter()).isEqualTo("plug");
        assertThat(md.parameter("lab").orElseThrow().required()).isTrue();
        assertThat(md.actions()).contains("on", "off", "reboot", "status", "list", "monitor", "metadata");
        assertThat(errors(md, Map.of("lab", "hv", "haven", "/opt/haven/haven"))).isEmpty();
        assertThat(errors(md, Map.of())).singleElement().asString().contains("'lab'", "is required");
        // a second extraction of the same content leaves the file alone
        assertThat(BundledAgents.extractTo(BundledAgents.LAB_AGENT, dir)).isEqualTo(agent);
    }

    @Test
    void brokenMetadataGivesAClearError() {
        assertThatThrownBy(() -> MetadataParser.parse("fence_x", "<resource-agent name=\"x\"><parameters>"))
                .isInstanceOf(FenceException.class).hasMessageContaining("metadata of fence_x is not valid XML: line 1");
        assertThatThrownBy(() -> MetadataParser.parse("fence_x", "Usage: fence_x [options]"))
                .hasMessageContaining("not XML").hasMessageContaining("Usage");
        assertThatThrownBy(() -> MetadataParser.parse("fence_x", "<html/>"))
                .hasMessageContaining("<html>, not <resource-agent>");
    }

    @Test
    void documentTypeDeclarationsAreRefused() {
        String xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                + "<resource-agent name=\"x\" shortdesc=\"&e;\"/>";
        assertThatThrownBy(() -> MetadataParser.parse("fence_x", xml)).isInstanceOf(FenceException.class)
                .hasMessageContaining("DOCTYPE");
    }

    @Test
    void agentsThatKnowOnlyPortGetPort() {
        AgentMetadata md = MetadataParser.parse("fence_old", """
                <resource-agent name="fence_old" shortdesc="old">
                  <parameters>
                    <parameter name="port" required="1"><content type="string"/><shortdesc lang="en">Outlet</shortdesc></parameter>
                  </parameters>
                  <actions><action name="off"/></actions>
                </resource-agent>""");
        assertThat(md.plugParameter()).isEqualTo("port");
        assertThat(md.supports(FenceAction.STATUS)).isFalse();
        assertThat(errors(md, Map.of())).as("port is set by haven").isEmpty();
    }
}
