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
 * `haven add smtp` (ocf:heartbeat:IPaddr2 + ocf:heartbeat:postfix) on three nodes: after power loss of the
 * node serving it, a client connecting to port 25 of the VIP reads the 220 banner of another node.
 *
 * <p>Postfix without config_dir reads /etc/postfix, so each node gets its own /etc/postfix (a copy of the
 * host's, in the node's lab folder) the way separate machines have their own; queue and data directories
 * are in that folder too, never the host's /var/spool/postfix.
 */
@Tag("lab")
class SmtpServiceFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tsvm");
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        lab = ServiceLab.up(PREFIX, List.of("postfix"), SmtpServiceFailoverTest::server, "smtp", "mx");
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    private static void server(Path dir, String node, ServiceLab lab) throws IOException {
        Path conf = dir.resolve("postfix");
        Exec.run(Duration.ofSeconds(10), "cp", "-a", "/etc/postfix", conf.toString()).orThrow();
        Files.createDirectories(dir.resolve("spool"));
        Files.createDirectories(dir.resolve("data"));
        Exec.run(Duration.ofSeconds(5), "chown", "postfix", dir.resolve("data").toString()).orThrow();
        Exec.run(Duration.ofSeconds(10), "postconf", "-c", conf.toString(), "-e",
                "queue_directory = " + dir.resolve("spool"),
                "data_directory = " + dir.resolve("data"),
                "myhostname = " + node + ".haven.test",
                "mydestination =",
                "inet_interfaces = all",
                "inet_protocols = ipv4",
                "smtpd_banner = $myhostname ESMTP").orThrow();
        // Debian's master.cf chroots smtpd into the queue, which would need copies of /etc files there.
        Exec.run(Duration.ofSeconds(10), "postconf", "-c", conf.toString(), "-F", "-e", "*/*/chroot = n").orThrow();
    }

    /** The first line the server sends on port 25 of the VIP. */
    private static Optional<String> banner(ServiceLab lab) {
        return lab.client(Duration.ofSeconds(4), "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + lab.vip() + "/25 && head -n 1 <&3").filter(l -> l.startsWith("220 "));
    }

    @Test
    void powerLossOfTheServingNodeLeavesTheMailServerGreetingFromAnotherNode() {
        Duration took = lab.failOver(SmtpServiceFailoverTest::banner, Duration.ofSeconds(45));
        assertThat(banner(lab)).hasValueSatisfying(b -> assertThat(b).matches("220 n\\d\\.haven\\.test ESMTP.*"));
        assertThat(took).isLessThan(Duration.ofSeconds(45));
    }
}
