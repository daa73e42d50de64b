package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@link AddressLastFailoverTest} with the group made of unmodified ClusterLabs agents, ocf:heartbeat:IPaddr2 and
 * ocf:heartbeat:nginx: the IPaddr2 member is recognised as the group's address and comes up last too. Needs
 * root, nginx, resource-agents and a built daemon.
 */
@Tag("lab")
class AddressLastOcfFailoverTest {
    private static final String PREFIX = "orvo";
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static Lab lab;

    @BeforeAll
    static void up() {
        Lab.down(PREFIX);
        lab = Lab.up(new LabLayout(PREFIX, 3).withOcfAgents(), Lab.UP_TIMEOUT, line -> { });
    }

    @AfterAll
    static void down() {
        Lab.down(PREFIX);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
        assertThat(Files.exists(Path.of("/etc/haven-lab-" + PREFIX))).isFalse();
    }

    @Test
    void anOcfGroupFailsOverWithoutRefusingAConnection() throws Exception {
        assertThat(Files.readString(LabState.find(PREFIX).orElseThrow().config())).contains("type: ocf:heartbeat:IPaddr2");
        AddressLastFailoverTest.failOverWithoutRefusals(lab);
    }
}
