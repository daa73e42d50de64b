package haven.executor.agents.systemd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.config.ResourceConfig;
import haven.core.ResourceId;
import haven.executor.AgentFactory;
import haven.core.AgentResult.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** systemd: resources name their unit, and say plainly when systemd is not there to ask. */
class SystemdAgentTest {
    private static final Duration T = Duration.ofSeconds(5);

    @Test
    void aBareNameIsAServiceAndOtherSuffixesStay() {
        assertThat(SystemdAgent.unitName("systemd:nginx")).isEqualTo("nginx.service");
        assertThat(SystemdAgent.unitName("systemd:postgresql@15-main.service")).isEqualTo("postgresql@15-main.service");
        assertThat(SystemdAgent.unitName("systemd:data.mount")).isEqualTo("data.mount");
        assertThatThrownBy(() -> SystemdAgent.unitName("systemd:")).hasMessageContaining("write systemd:UNIT");
        assertThatThrownBy(() -> SystemdAgent.unitName("systemd:a b")).hasMessageContaining("write systemd:UNIT");
    }

    @Test
    void whereSystemdIsNotPid1EveryOperationSaysSoAndNamesTheAlternatives() throws Exception {
        String pid1 = Files.readString(Path.of("/proc/1/comm")).strip();
        assumeTrue(!pid1.equals("systemd"), "systemd runs here");
        var agent = AgentFactory.create(new ResourceConfig(ResourceId.of("web"), "systemd:nginx", Map.of(), T, T, T, T));
        for (var r : java.util.List.of(agent.start(T), agent.monitor(T), agent.stop(T))) {
            assertThat(r.status()).isEqualTo(Status.CONFIG_ERROR);
            assertThat(r.detail()).isEqualTo("nginx.service: systemd is not running on this machine (PID 1 is " + pid1
                    + "); use lsb: or ocf: or process");
        }
    }
}
