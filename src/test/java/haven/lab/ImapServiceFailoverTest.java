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
 * `haven add imap` (ocf:heartbeat:IPaddr2 + ocf:heartbeat:dovecot) on three nodes: after power loss of the
 * node serving it, a client connecting to port 143 of the VIP reads another node's "* OK" greeting.
 */
@Tag("lab")
class ImapServiceFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tsvi");
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        Path etc = LabFiles.etcDir(PREFIX);
        lab = ServiceLab.up(PREFIX, List.of(), ImapServiceFailoverTest::server, "imap", "mail",
                "--config", etc.resolve("dovecot.conf").toString(), "--data", etc.resolve("run").toString());
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    /** Sockets, pid, state, logs and mail all in the node's folder, as the node sees it at /etc/haven-lab-P. */
    private static void server(Path dir, String node, ServiceLab lab) throws IOException {
        Path etc = lab.etc();
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(dir.resolve("mail"));
        Files.writeString(dir.resolve("dovecot.conf"), """
                base_dir = %1$s/run/
                state_dir = %1$s/state
                instance_name = dovecot-%2$s
                protocols = imap
                listen = *
                ssl = no
                disable_plaintext_auth = no
                login_greeting = %2$s ready.
                log_path = %1$s/dovecot.log
                mail_location = maildir:%1$s/mail/%%u
                passdb {
                  driver = static
                  args = password=lab
                }
                userdb {
                  driver = static
                  args = uid=dovecot gid=dovecot home=%1$s/mail/%%u
                }
                """.formatted(etc, node));
    }

    private static Optional<String> greeting(ServiceLab lab) {
        return lab.client(Duration.ofSeconds(4), "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + lab.vip() + "/143 && head -n 1 <&3").filter(l -> l.startsWith("* OK"));
    }

    @Test
    void powerLossOfTheServingNodeLeavesTheImapServerGreetingFromAnotherNode() {
        Duration took = lab.failOver(ImapServiceFailoverTest::greeting, Duration.ofSeconds(45));
        assertThat(greeting(lab)).hasValueSatisfying(g -> assertThat(g).contains("n").contains("ready."));
        assertThat(took).isLessThan(Duration.ofSeconds(45));
    }
}
