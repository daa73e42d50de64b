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
 * `haven add dns` (ocf:heartbeat:IPaddr2 + ocf:heartbeat:named) on three nodes, each with its own named.conf
 * and zone in its lab folder: after power loss of the node serving it, `dig @VIP` from the client gets an
 * answer from another node (the TXT record node.haven.test names the node that answered).
 */
@Tag("lab")
class DnsServiceFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tsvd");
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        lab = upDns(PREFIX);
    }

    /** A service lab with `haven add dns ns` (its VIP and ns-named) and each node's own named.conf. */
    static ServiceLab upDns(String prefix) {
        Path etc = LabFiles.etcDir(prefix);
        return ServiceLab.up(prefix, List.of(), DnsServiceFailoverTest::server, "dns", "ns",
                "--config", etc.resolve("named.conf").toString(), "--data", etc.resolve("named").toString());
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    /**
     * Everything named writes (pid, session key, managed keys) goes to the node's own folder, owned by the
     * bind user; the localhost zone is Debian's, which the agent's monitor asks about.
     */
    static void server(Path dir, String node, ServiceLab lab) throws IOException {
        Path etc = lab.etc();
        Path work = dir.resolve("named");
        Files.createDirectories(work);
        Exec.run(Duration.ofSeconds(5), "chown", "bind:bind", work.toString()).orThrow();
        Files.writeString(dir.resolve("named.conf"), """
                // written by DnsServiceFailoverTest for lab node %3$s
                options {
                    directory "%1$s/named";
                    pid-file "%1$s/named/named.pid";
                    session-keyfile "%1$s/named/session.key";
                    listen-on { any; };
                    listen-on-v6 { none; };
                    recursion no;
                    allow-query { any; };
                    dnssec-validation no;
                };
                controls { };
                zone "localhost" { type master; file "/etc/bind/db.local"; };
                zone "haven.test" { type master; file "%1$s/db.haven.test"; };
                """.formatted(etc, lab.vip(), node));
        Files.writeString(dir.resolve("db.haven.test"), """
                $TTL 60
                @    IN SOA ns.haven.test. admin.haven.test. 1 60 60 600 60
                @    IN NS  ns.haven.test.
                ns   IN A   %s
                node IN TXT "%s"
                """.formatted(lab.vip(), node));
    }

    static Optional<String> ask(ServiceLab lab) {
        return lab.client(Duration.ofSeconds(4), "dig", "@" + lab.vip(), "+short", "+time=1", "+tries=1",
                "node.haven.test", "TXT").filter(a -> !a.isEmpty());
    }

    @Test
    void powerLossOfTheServingNodeLeavesTheNameServerAnsweringFromAnotherNode() {
        Duration took = lab.failOver(DnsServiceFailoverTest::ask, Duration.ofSeconds(45));
        assertThat(took).isLessThan(Duration.ofSeconds(45));
    }
}
