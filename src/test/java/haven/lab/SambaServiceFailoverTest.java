package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `haven add samba` (ocf:heartbeat:IPaddr2 + smbd under the built-in process type) on three nodes: after
 * power loss of the node serving it, smbclient from the client reads a file from the guest share at the
 * VIP, and the file names another node.
 */
@Tag("lab")
class SambaServiceFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tsvs");
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        lab = ServiceLab.up(PREFIX, List.of(), SambaServiceFailoverTest::server, "samba", "files",
                "--config", LabFiles.etcDir(PREFIX).resolve("smb.conf").toString());
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    /** Every directory smbd writes to is in the node's folder: /run/samba and /var/lib/samba are the host's. */
    private static void server(Path dir, String node, ServiceLab lab) throws IOException {
        for (String d : List.of("private", "lock", "state", "cache", "pid", "ncalrpc", "bind-dns", "pub")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.writeString(dir.resolve("pub/hello.txt"), "served by " + node + "\n");
        Files.writeString(dir.resolve("smb.conf"), """
                [global]
                  server role = standalone server
                  workgroup = HAVEN
                  netbios name = %2$s
                  disable netbios = yes
                  smb ports = 445
                  map to guest = Bad User
                  private dir = %1$s/private
                  lock directory = %1$s/lock
                  state directory = %1$s/state
                  cache directory = %1$s/cache
                  pid directory = %1$s/pid
                  ncalrpc dir = %1$s/ncalrpc
                  binddns dir = %1$s/bind-dns
                  log file = %1$s/smbd.log
                  load printers = no
                  printcap name = /dev/null
                  disable spoolss = yes
                [pub]
                  path = %1$s/pub
                  guest ok = yes
                  read only = yes
                """.formatted(dir, node));
    }

    private static Optional<String> read(ServiceLab lab) {
        return lab.client(Duration.ofSeconds(6), "timeout", "5", "smbclient", "-N", "-t", "3",
                "//" + lab.vip() + "/pub", "-c", "get hello.txt -").filter(a -> a.contains("served by"));
    }

    @Test
    void powerLossOfTheServingNodeLeavesTheShareReadableFromAnotherNode() {
        Duration took = lab.failOver(SambaServiceFailoverTest::read, Duration.ofSeconds(45));
        assertThat(took).isLessThan(Duration.ofSeconds(45));
    }
}
