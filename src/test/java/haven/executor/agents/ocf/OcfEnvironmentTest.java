package haven.executor.agents.ocf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What an OCF agent is told: the standard variables, each parameter, the operation's timing in ms. */
class OcfEnvironmentTest {
    private static final OcfType IPADDR2 = OcfType.parse("ocf:heartbeat:IPaddr2");

    @Test
    void aRecurringMonitorGetsEveryStandardVariableWithTimeoutAndIntervalInMilliseconds() {
        var env = OcfEnvironment.of(OcfRoot.STANDARD, IPADDR2, "vip", Map.of("ip", "10.0.0.50", "cidr_netmask", "24"),
                new OcfEnvironment.Call("monitor", Duration.ofSeconds(20), Duration.ofSeconds(10), 0, 0));
        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("OCF_ROOT", "/usr/lib/ocf"),
                Map.entry("OCF_RA_VERSION_MAJOR", "1"),
                Map.entry("OCF_RA_VERSION_MINOR", "1"),
                Map.entry("OCF_RESOURCE_INSTANCE", "vip"),
                Map.entry("OCF_RESOURCE_TYPE", "IPaddr2"),
                Map.entry("OCF_RESOURCE_PROVIDER", "heartbeat"),
                Map.entry("OCF_CHECK_LEVEL", "0"),
                Map.entry("OCF_RESKEY_ip", "10.0.0.50"),
                Map.entry("OCF_RESKEY_cidr_netmask", "24"),
                Map.entry("OCF_RESKEY_CRM_meta_timeout", "20000"),
                Map.entry("OCF_RESKEY_CRM_meta_interval", "10000")));
    }

    @Test
    void aStartCarriesTheGenerationAndAnIntervalOfZero() {
        var env = OcfEnvironment.of(new OcfRoot(Path.of("/opt/ocf")), IPADDR2, "vip", Map.of(),
                new OcfEnvironment.Call("start", Duration.ofMillis(1500), Duration.ZERO, 10, 7));
        assertThat(env).containsEntry("HAVEN_GENERATION", "7").containsEntry("OCF_RESKEY_CRM_meta_interval", "0")
                .containsEntry("OCF_RESKEY_CRM_meta_timeout", "1500").containsEntry("OCF_CHECK_LEVEL", "10")
                .containsEntry("OCF_ROOT", "/opt/ocf");
        assertThat(OcfEnvironment.of(OcfRoot.STANDARD, IPADDR2, "vip", Map.of(), OcfEnvironment.Call.once("stop", Duration.ofSeconds(1))))
                .doesNotContainKey("HAVEN_GENERATION");
    }

    @Test
    void aParameterThatIsNoShellNameOrImpersonatesCrmMetaIsRefused() {
        assertThatThrownBy(() -> OcfEnvironment.of(OcfRoot.STANDARD, IPADDR2, "vip", Map.of("cidr-netmask", "24"),
                OcfEnvironment.Call.once("start", Duration.ofSeconds(1))))
                .hasMessageContaining("parameter 'cidr-netmask' of vip").hasMessageContaining("letters, digits and '_'");
        assertThat(OcfEnvironment.validParameterName("CRM_meta_timeout")).isFalse();
    }

    @Test
    void typeNamesCannotClimbOutOfTheOcfRoot() {
        assertThatThrownBy(() -> OcfType.parse("ocf:heartbeat")).hasMessageContaining("write ocf:PROVIDER:TYPE");
        assertThatThrownBy(() -> OcfType.parse("ocf:..:passwd")).hasMessageContaining("not a plain name");
        assertThat(OcfRoot.STANDARD.script(IPADDR2)).isEqualTo(Path.of("/usr/lib/ocf/resource.d/heartbeat/IPaddr2"));
    }
}
