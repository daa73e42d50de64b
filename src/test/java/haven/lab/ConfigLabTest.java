package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Live config changes on three real daemons running unmodified ClusterLabs agents (IPaddr2 + nginx), made
 * with the real `haven config apply` inside a node's namespace: a new VIP group is placed and answers ping
 * from the client machine; a change made against an old version is refused and changes nothing; a change
 * of a parameter nginx's agent reloads (status10url: nginx has the older reload action, and that parameter
 * is not unique) runs reload, and nginx's master process is the same one afterwards.
 */
@Tag("lab")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigLabTest {
    private static final String PREFIX = SharedLab.prefix("tcfg");
    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3).withOcfAgents()).settled();

    private static LabState state() {
        return lab.cluster().state();
    }

    /** `haven config ARGS` run inside node {@code node}'s namespace, as an operator on that machine would. */
    private static Exec.Result haven(int node, String... args) {
        List<String> words = new java.util.ArrayList<>(List.of("config"));
        words.addAll(List.of(args));
        List<String> cmd = HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), "haven.cli.Main", words);
        return Exec.run(Duration.ofSeconds(60), Netns.execIn(lab.layout().nodeNamespace(node), cmd.toArray(String[]::new)));
    }

    /** The committed config in clear (root on the node's local API may ask for its secrets). */
    private static JsonNode committed(int node) throws Exception {
        Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(lab.layout().nodeNamespace(node), "curl", "-sS", "-m", "10",
                "-H", "Accept: application/json", "http://127.0.0.1:7480/ha/config?secrets=true"));
        assertThat(r.code()).as("curl: %s", r.err()).isZero();
        return JSON.readTree(r.out());
    }

    private static String extraVip() {
        return lab.layout().vip().replaceAll("\\.100$", ".150");
    }

    private static Path write(String name, String text) throws Exception {
        Path p = state().dir().resolve(name);
        Files.writeString(p, text);
        return p;
    }

    /** The lab config with a second group, extra, holding one more IPaddr2 address. */
    private static String withExtraGroup(String config) {
        assertThat(config).contains("resources:\n").endsWith("\n");
        return config.replace("resources:\n", "resources:\n  - name: vip2\n    type: ocf:heartbeat:IPaddr2\n"
                + "    params: { ip: " + extraVip() + ", cidr_netmask: 24 }\n    monitor_interval: 2s\n")
                + "  - name: extra\n    members: [vip2]\n";
    }

    private static boolean clientPings(String address) {
        return Exec.run(Duration.ofSeconds(5), Netns.execIn(lab.layout().clientNamespace(), "ping", "-c", "1", "-W", "1", address)).ok();
    }

    @Test
    @Order(1)
    void applyAddsAVipGroupThatAnswersPingFromTheClient() throws Exception {
        assertThat(committed(2).path("version").asLong()).as("no change committed yet").isZero();
        String original = Files.readString(state().config());
        assertThat(committed(2).path("text").asText()).isEqualTo(original);
        assertThat(clientPings(extraVip())).isFalse();

        Path next = write("with-extra.yaml", withExtraGroup(original));
        Exec.Result dry = haven(2, "apply", "--dry-run", next.toString());
        assertThat(dry.code()).as("apply --dry-run: %s %s", dry.out(), dry.err()).isZero();
        assertThat(dry.out()).startsWith("dry run: nothing was committed; the config is valid and would be version 1\n")
                .contains("on every node: new groups [").contains("what if config version 1 applied:").containsPattern("start \\S+ on n");
        System.out.print("config apply --dry-run said:\n" + dry.out());
        assertThat(committed(2).path("version").asLong()).as("a dry run commits nothing").isZero();
        assertThat(clientPings(extraVip())).isFalse();
        long applyAt = System.nanoTime();
        Exec.Result r = haven(2, "apply", next.toString());
        long committedAt = System.nanoTime();
        assertThat(r.code()).as("apply: %s %s\n%s", r.out(), r.err(), lab.cluster().logTails(20)).isZero();
        assertThat(r.out()).startsWith("ok: config version 1 committed");

        long deadline = System.nanoTime() + WITHIN.toNanos();
        boolean answers = false;
        while (!answers && System.nanoTime() < deadline) {
            answers = clientPings(extraVip());
            if (!answers) Pids.sleep(300);
        }
        assertThat(answers).as("%s answers ping from the client\n%s", extraVip(), lab.cluster().logTails(30)).isTrue();
        System.out.printf("config apply: `haven config apply` returned after %d ms (JVM start included); the new VIP answered"
                + " ping %d ms after it returned%n", (committedAt - applyAt) / 1_000_000, (System.nanoTime() - committedAt) / 1_000_000);
        for (int i = 1; i <= 3; i++) assertThat(committed(i).path("version").asLong()).isEqualTo(1);
        assertThat(Files.readString(state().config())).as("the node's file is the committed config").isEqualTo(Files.readString(next));
        assertThat(Path.of(state().config() + ".prev")).exists();
        String logs = lab.cluster().logTails(200);
        assertThat(logs).contains("config version 1 committed: new groups [extra]; new resources [vip2]", "now running config version 1");
        assertThat(logs).as("a running node did not miss the change").doesNotContain("missed a change");
    }

    @Test
    @Order(2)
    void aChangeMadeAgainstAnOldVersionIsRefusedAndChangesNothing() throws Exception {
        JsonNode before = committed(1);
        long version = before.path("version").asLong();
        assertThat(version).isPositive();
        Path stale = write("stale.yaml", before.path("text").asText().replace("  - name: extra\n    members: [vip2]\n", "")
                .replaceAll("(?s)  - name: vip2\n.*?monitor_interval: 2s\n", ""));
        Exec.Result r = haven(3, "apply", "--expect-version", String.valueOf(version - 1), stale.toString());
        assertThat(r.code()).as("exit code for a stale change: %s %s", r.out(), r.err()).isEqualTo(3);
        assertThat(r.err()).contains("made against version " + (version - 1), "the cluster is at version " + version,
                "nothing was changed");

        // The same text with curl and an old If-Match: the API's own 409.
        Exec.Result curl = Exec.run(Duration.ofSeconds(15), Netns.execIn(lab.layout().nodeNamespace(1), "curl", "-sS", "-m", "10",
                "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H", "If-Match: \"0\"", "--data-binary", "@" + stale,
                "http://127.0.0.1:7480/ha/config"));
        assertThat(curl.out().strip()).isEqualTo("409");

        Pids.sleep(2000);
        for (int i = 1; i <= 3; i++) {
            assertThat(committed(i).path("version").asLong()).isEqualTo(version);
            assertThat(committed(i).path("text").asText()).isEqualTo(before.path("text").asText());
        }
        assertThat(clientPings(extraVip())).as("the extra group still runs").isTrue();
    }

    @Test
    @Order(3)
    void aReloadableNginxParameterIsReloadedWithoutARestart() throws Exception {
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(3)).forEach(w -> System.err.println("lab warning: " + w));
        List<Integer> holders = lab.cluster().vipHolders();
        assertThat(holders).hasSize(1);
        String node = lab.layout().nodeName(holders.get(0));
        Path pidFile = state().www().resolve(node).resolve("nginx.pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(Path.of("/proc/" + pid)).exists();

        JsonNode before = committed(1);
        String text = before.path("text").asText();
        assertThat(text).contains("status10url: \"http://127.0.0.1:80/\"");
        Path next = write("reload.yaml", text.replace("status10url: \"http://127.0.0.1:80/\"", "status10url: \"http://127.0.0.1:80/index.html\""));
        Exec.Result r = haven(1, "apply", next.toString());
        assertThat(r.code()).as("apply: %s %s", r.out(), r.err()).isZero();

        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!lab.cluster().logTails(400).contains("reloaded site with its new parameters") && System.nanoTime() < deadline) {
            Pids.sleep(300);
        }
        String logs = lab.cluster().logTails(400);
        assertThat(logs).contains("reloading site: only parameters its agent reloads changed", "reloaded site with its new parameters");
        assertThat(logs).as("site is not restarted by the change").doesNotContain("stopped site");
        assertThat(Long.parseLong(Files.readString(pidFile).strip())).as("nginx's master is the same process").isEqualTo(pid);
        assertThat(Path.of("/proc/" + pid)).exists();
        assertThat(lab.cluster().vipHolders()).containsExactly(holders.get(0));
        assertThat(lab.cluster().awaitService(Duration.ofSeconds(10)).body()).contains("served by " + node);
        System.out.printf("nginx on %s reloaded in place: master pid %d before and after%n", node, pid);
    }
}
