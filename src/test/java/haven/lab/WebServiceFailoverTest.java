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
 * `haven add web` (ocf:heartbeat:IPaddr2 + ocf:heartbeat:nginx) on three nodes: after power loss of the node
 * serving it, an HTTP GET from the client gets the page from another node. Port 8080, since the lab's own
 * web group already listens on port 80 of the same nodes.
 */
@Tag("lab")
class WebServiceFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tsvw");
    private static ServiceLab lab;

    @BeforeAll
    static void up() {
        lab = ServiceLab.up(PREFIX, List.of(), WebServiceFailoverTest::site,
                "web", "www", "--port", "8080", "--config", LabFiles.etcDir(PREFIX).resolve("nginx.conf").toString());
    }

    @AfterAll
    static void down() {
        if (lab != null) lab.close();
    }

    /** The lab's nginx site, moved to port 8080, its page naming the node. */
    private static void site(Path dir, String node, ServiceLab lab) throws IOException {
        Files.createDirectories(dir.resolve("html"));
        Files.createDirectories(dir.resolve("tmp"));
        Files.writeString(dir.resolve("html/index.html"), "www served by " + node + "\n");
        Files.writeString(dir.resolve("nginx.conf"), LabFiles.nginxConf(dir).replace("listen 80;", "listen 8080;"));
    }

    private static Optional<String> get(ServiceLab lab) {
        return lab.client(Duration.ofSeconds(3), "curl", "-sf", "-m", "2", "http://" + lab.vip() + ":8080/");
    }

    @Test
    void powerLossOfTheServingNodeBringsTheSiteBackOnAnotherNode() {
        Duration took = lab.failOver(WebServiceFailoverTest::get, Duration.ofSeconds(45));
        assertThat(took).isLessThan(Duration.ofSeconds(45));
    }
}
