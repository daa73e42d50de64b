package haven.config.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.validation.OcfReloadRules;
import haven.config.ResourceConfig;
import haven.core.ResourceId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The reload rules over the real meta-data of resource-agents' nginx and IPaddr2: nginx has only the older
 * {@code reload} action, so its parameters not marked unique (options, status10url, ...) reload while its
 * configfile (unique) restarts; IPaddr2 has no reload at all.
 */
class InstalledAgentReloadTest {
    static ResourceConfig ocf(String type) {
        Duration t = Duration.ofSeconds(20);
        return new ResourceConfig(ResourceId.of("r"), "ocf:heartbeat:" + type, Map.of(), t, t, t, t);
    }

    @Test
    void nginxReloadsOptionsButRestartsForItsConfigFile() {
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat/nginx")), "resource-agents is not installed");
        OcfReloadRules rules = OcfReloadRules.installed();
        assertThat(rules.reloads(ocf("nginx"), Set.of("options"))).isTrue();
        assertThat(rules.reloads(ocf("nginx"), Set.of("status10url", "options"))).isTrue();
        assertThat(rules.reloads(ocf("nginx"), Set.of("configfile"))).isFalse();
    }

    @Test
    void ipaddr2CannotReload() {
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat/IPaddr2")), "resource-agents is not installed");
        assertThat(OcfReloadRules.installed().reloads(ocf("IPaddr2"), Set.of("nic"))).isFalse();
    }

    /** The reload call itself, through the real Dummy agent (its `fake` parameter is not unique, and it has reload). */
    @Test
    void dummyReloadsItsFakeParameterThroughTheRealAgent(@org.junit.jupiter.api.io.TempDir Path dir) {
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat/Dummy")), "resource-agents is not installed");
        Duration t = Duration.ofSeconds(20);
        Map<String, String> params = Map.of("state", dir.resolve("dummy.state").toString(), "fake", "two");
        ResourceConfig rc = new ResourceConfig(ResourceId.of("d"), "ocf:heartbeat:Dummy", params, t, t, t, t);
        assertThat(OcfReloadRules.installed().reloads(rc, Set.of("fake"))).isTrue();
        assertThat(OcfReloadRules.installed().reloads(rc, Set.of("state"))).isFalse();
        var agent = new haven.executor.agents.ocf.OcfAgent(rc);
        assertThat(agent.start(t).isOk()).isTrue();
        try {
            assertThat(agent.reload(t).isOk()).isTrue();
            assertThat(agent.monitor(t).isOk()).isTrue();
        } finally {
            assertThat(agent.stop(t).isOk()).isTrue();
        }
    }
}
