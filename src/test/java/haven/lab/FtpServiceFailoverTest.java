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
 * `haven add ftp` (ocf:heartbeat:IPaddr2 + vsftpd under the built-in process type) on three nodes: after
 * power loss of the node serving it, a client connecting to port 21 of the VIP reads another node's 220.
 */
@Tag("lab")
class FtpServiceFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tsvf");
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        lab = ServiceLab.up(PREFIX, List.of(), FtpServiceFailoverTest::server, "ftp", "files",
                "--config", LabFiles.etcDir(PREFIX).resolve("vsftpd.conf").toString());
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    /**
     * A standalone IPv4 server that greets with the node's name; nothing it writes leaves the node's folder.
     * Anonymous and read-only over an empty folder, because with every login disabled vsftpd answers each
     * connection with "500 OOPS" instead of its banner.
     */
    private static void server(Path dir, String node, ServiceLab lab) throws IOException {
        Files.createDirectories(dir.resolve("empty"));
        Files.writeString(dir.resolve("vsftpd.conf"), """
                listen=YES
                listen_ipv6=NO
                anonymous_enable=YES
                anon_root=%1$s/empty
                no_anon_password=YES
                local_enable=NO
                ftpd_banner=%2$s ready
                secure_chroot_dir=%1$s/empty
                pam_service_name=vsftpd
                xferlog_enable=NO
                vsftpd_log_file=%1$s/vsftpd.log
                """.formatted(dir, node));
    }

    private static Optional<String> banner(ServiceLab lab) {
        return lab.client(Duration.ofSeconds(4), "timeout", "2", "bash", "-c",
                "exec 3<>/dev/tcp/" + lab.vip() + "/21 && head -n 1 <&3").filter(l -> l.startsWith("220 "));
    }

    @Test
    void powerLossOfTheServingNodeLeavesTheFtpServerGreetingFromAnotherNode() {
        Duration took = lab.failOver(FtpServiceFailoverTest::banner, Duration.ofSeconds(45));
        assertThat(banner(lab)).hasValueSatisfying(b -> assertThat(b).matches("220 n\\d ready\\s*"));
        assertThat(took).isLessThan(Duration.ofSeconds(45));
    }
}
