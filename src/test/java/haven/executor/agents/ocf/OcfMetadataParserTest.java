package haven.executor.agents.ocf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** meta-data as agents print it: a DOCTYPE line, parameters with flags and defaults, actions with timings. */
class OcfMetadataParserTest {
    private static final String XML = """

            <?xml version="1.0"?>
            <!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">
            <resource-agent name="IPaddr2" version="1.0">
            <version>1.0</version>
            <longdesc lang="en">Long text.</longdesc>
            <shortdesc lang="en">Manages virtual
              IPv4 and IPv6 addresses</shortdesc>
            <parameters>
            <parameter name="ip" unique="1" required="1">
            <longdesc lang="en">The address.</longdesc>
            <shortdesc lang="en">IPv4 or IPv6 address</shortdesc>
            <content type="string" default="" />
            </parameter>
            <parameter name="cidr_netmask">
            <shortdesc lang="en">CIDR netmask</shortdesc>
            <content type="integer" default="24"/>
            </parameter>
            </parameters>
            <actions>
            <action name="start"   timeout="20s" />
            <action name="monitor" depth="0"  timeout="20s" interval="10s" />
            <action name="monitor" depth="10" timeout="1min" interval="30" />
            <action name="stop" timeout="500ms" />
            <action name="meta-data" timeout="5" />
            </actions>
            </resource-agent>
            """;

    @Test
    void parametersKeepTheirFlagsTypesDefaultsAndOneLineDescriptions() {
        OcfMetadata md = OcfMetadataParser.parse("ocf:heartbeat:IPaddr2", XML);
        assertThat(md.name()).isEqualTo("IPaddr2");
        assertThat(md.version()).isEqualTo("1.0");
        assertThat(md.shortdesc()).isEqualTo("Manages virtual IPv4 and IPv6 addresses");
        assertThat(md.parameters()).containsExactly(
                new OcfParameter("ip", true, true, "string", Optional.of(""), "IPv4 or IPv6 address"),
                new OcfParameter("cidr_netmask", false, false, "integer", Optional.of("24"), "CIDR netmask"));
    }

    @Test
    void actionsKeepTimeoutsInEveryUnitAgentsWriteAndTheFirstMonitorIsThePlainOne() {
        OcfMetadata md = OcfMetadataParser.parse("x", XML);
        assertThat(md.actions()).hasSize(5);
        assertThat(md.action("monitor")).contains(new OcfAction("monitor", Optional.of(Duration.ofSeconds(20)),
                Optional.of(Duration.ofSeconds(10)), Optional.of(0), Optional.empty()));
        assertThat(md.actions().get(2).timeout()).contains(Duration.ofMinutes(1));
        assertThat(md.actions().get(2).interval()).contains(Duration.ofSeconds(30));
        assertThat(md.action("stop").flatMap(OcfAction::timeout)).contains(Duration.ofMillis(500));
        assertThat(md.action("meta-data").flatMap(OcfAction::timeout)).contains(Duration.ofSeconds(5));
        assertThat(md.advertises("validate-all")).isFalse();
    }

    @Test
    void everyInstalledHeartbeatAgentThatDescribesItselfParses() throws Exception {
        OcfRoot root = OcfRoot.STANDARD;
        List<OcfType> agents = root.agents();
        org.junit.jupiter.api.Assumptions.assumeTrue(agents.size() > 10, "resource-agents is not installed here");
        int parsed = 0;
        for (OcfType t : List.of("Dummy", "IPaddr2", "nginx", "anything", "Filesystem", "pgsql", "apache", "named").stream()
                .map(n -> new OcfType("heartbeat", n)).filter(root::installed).toList()) {
            OcfMetadata md = OcfMetadataReader.read(root, t, "parse-test", List.of());
            assertThat(md.advertises("start")).as(t.toString()).isTrue();
            assertThat(md.parameters()).as(t.toString()).isNotEmpty();
            parsed++;
        }
        assertThat(parsed).isGreaterThanOrEqualTo(4);
        assertThat(Files.isDirectory(Path.of("/usr/lib/ocf/lib/heartbeat"))).isTrue();
    }

    @Test
    void whatIsNotMetaDataIsRefusedWithTheReason() {
        assertThatThrownBy(() -> OcfMetadataParser.parse("ocf:x:y", "")).hasMessageContaining("it printed nothing");
        assertThatThrownBy(() -> OcfMetadataParser.parse("ocf:x:y", "usage: y {start|stop}"))
                .hasMessageContaining("not XML: it begins with 'usage: y {start|stop}'");
        assertThatThrownBy(() -> OcfMetadataParser.parse("ocf:x:y", "<resource-agent><parameters>"))
                .hasMessageContaining("meta-data of ocf:x:y is not valid XML");
        assertThatThrownBy(() -> OcfMetadataParser.parse("ocf:x:y", "<foo/>")).hasMessageContaining("not <resource-agent>");
        assertThatThrownBy(() -> OcfMetadataParser.parse("ocf:x:y",
                "<resource-agent><actions><action name=\"start\" timeout=\"soon\"/></actions></resource-agent>"))
                .hasMessageContaining("action start has timeout=\"soon\"");
    }

    @Test
    void aDoctypeWithEntitiesIsRefusedRatherThanExpanded() {
        String evil = "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><resource-agent name=\"&x;\"/>";
        assertThatThrownBy(() -> OcfMetadataParser.parse("ocf:x:y", evil)).hasMessageContaining("not valid XML");
    }
}
