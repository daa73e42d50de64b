package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API of real daemons abused from where an attacker would be. A local user who is not root, on a node,
 * can read the state but change nothing and read no secret, while root's CLI works as before and its change
 * is named in every node's timeline. And a slow-connection attack on the exposed HTTPS API of one node: the client host (the attacker) keeps 5,000
 * connections to n1:7443 that send a byte of a TLS handshake every 10 s and never finish it, and opens them
 * again when they are closed. Meanwhile n1 must stay in the cluster (no view change anywhere, same daemon
 * process), and a valid request from another host (n2, with a token) must be answered within 1 s every time.
 * Once 2,000 such connections ran a 64 MB daemon out of memory and the node out of the cluster.
 */
@Tag("lab")
class ApiAbuseLabTest {
    private static final String PREFIX = SharedLab.prefix("aslow");
    private static final String READ_TOKEN = "aslow-read-0123456789abcdef";
    private static final int ATTACK_CONNECTIONS = 5000;
    private static final int ATTACK_SECONDS = 40;
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(LAYOUT).beforeStart(ApiAbuseLabTest::exposeTheApi).settled();
    private static Path caCert;

    /** An api: section on every node (HTTPS on 7443 with a read token), written before the daemons start. */
    private static void exposeTheApi(LabState state) {
        try {
            Path config = state.config();
            Path tokens = config.resolveSibling("api-tokens");
            Files.writeString(tokens, "read " + READ_TOKEN + " probe\n");
            LabLayout layout = LAYOUT;
            String[] addresses = new String[layout.nodes()];
            for (int i = 1; i <= addresses.length; i++) addresses[i - 1] = layout.nodeAddress(i);
            haven.config.TestCerts.Pair cert = haven.config.TestCerts.make(config.getParent(), "api", addresses);
            caCert = cert.cert();
            Files.writeString(config, Files.readString(config) + "api:\n  listen: 0.0.0.0\n  port: 7443\n  tokens_file: " + tokens
                    + "\n  tls_cert: " + cert.cert() + "\n  tls_key: " + cert.key() + "\n");
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the lab's api section", e);
        }
    }

    /** A leaf of node {@code i}'s local API, as text. */
    private static String leaf(int i, String path) {
        Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(lab.layout().nodeNamespace(i), "curl", "-sS", "-m", "10",
                "http://127.0.0.1:7480" + path));
        assertThat(r.code()).as("curl %s on node %d: %s", path, i, r.err()).isZero();
        return r.out().strip();
    }

    /** A token's read of n1's exposed API from n2's namespace: "CODE SECONDS". */
    private static String[] probe() {
        Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(lab.layout().nodeNamespace(2), "curl", "-sS", "-m", "5",
                "--cacert", caCert.toString(), "-o", "/dev/null", "-w", "%{http_code} %{time_total}", "-H",
                "Authorization: Bearer " + READ_TOKEN, "https://" + lab.layout().nodeAddress(1) + ":7443/ha/cluster/quorate"));
        return (r.out().isBlank() ? "000 99 " + r.err() : r.out().strip()).split(" ", 2);
    }

    /** A command in node {@code i}'s namespace, as root or (with {@code asNobody}) as user nobody without groups. */
    private static Exec.Result in(int i, boolean asNobody, String... command) {
        List<String> cmd = new ArrayList<>();
        if (asNobody) cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        cmd.addAll(List.of(command));
        return Exec.run(Duration.ofSeconds(60), Netns.execIn(lab.layout().nodeNamespace(i), cmd.toArray(String[]::new)));
    }

    private static String[] curl(int i, boolean asNobody, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Exec.Result r = in(i, asNobody, cmd.toArray(String[]::new));
        assertThat(r.code()).as("curl %s: %s", cmd, r.err()).isZero();
        int nl = r.out().lastIndexOf('\n');
        return new String[] {r.out().substring(nl + 1).trim(), r.out().substring(0, nl)};
    }

    @Test
    void aLocalUserWhoIsNotRootChangesNothingAndReadsNoSecretWhileRootsCliWorksAndIsNamedInTheTimeline() {
        String api = "http://127.0.0.1:7480";
        String[] maintenance = curl(1, true, "-X", "PUT", "--data", "on by nobody", api + "/ha/cluster/maintenance");
        assertThat(maintenance[0]).isEqualTo("403");
        assertThat(maintenance[1]).contains("this connection is nobody (uid 65534)");
        assertThat(curl(1, true, "-X", "POST", api + "/ha/resources/site/move?node=" + lab.layout().nodeName(2))[0]).isEqualTo("403");
        assertThat(curl(1, true, "-X", "PUT", "-H", "If-Match: 0", "--data-binary", "cluster: {}", api + "/ha/config")[0]).isEqualTo("403");
        String[] config = curl(1, true, api + "/ha/config");
        assertThat(config[0]).isEqualTo("200");
        assertThat(config[1]).contains("key: <redacted>").doesNotContain(LabFiles.KEY);
        assertThat(curl(1, true, api + "/ha/config?secrets=true")[0]).isEqualTo("403");
        String[] read = curl(1, true, api + "/ha/cluster/maintenance");
        assertThat(read[0]).as("a read needs nothing").isEqualTo("200");
        assertThat(read[1].strip()).isEqualTo("false");

        List<String> cli = HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), "haven.cli.Main",
                List.of("maintenance", "on", "--reason", "root checks the api"));
        Exec.Result on = in(1, false, cli.toArray(String[]::new));
        assertThat(on.code()).as("haven maintenance on as root: %s %s", on.out(), on.err()).isZero();
        Exec.Result off = in(1, false, HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), "haven.cli.Main",
                List.of("maintenance", "off")).toArray(String[]::new));
        assertThat(off.code()).as("haven maintenance off as root: %s %s", off.out(), off.err()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String log = "";
        while (System.nanoTime() < deadline && !log.contains("PUT /ha/cluster/maintenance by root (uid 0) on " + lab.layout().nodeName(1))) {
            log = curl(2, true, api + "/ha/log?since=5m")[1];
            Pids.sleep(200);
        }
        assertThat(log).as("n2's timeline, read by nobody").contains("request PUT /ha/cluster/maintenance by root (uid 0) on "
                + lab.layout().nodeName(1) + "'s local API");
    }

    @Test
    void fiveThousandSlowTlsConnectionsLeaveTheNodeInTheClusterAndTheApiAnswering() throws Exception {
        int nodes = lab.layout().nodes();
        List<String> viewsBefore = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) viewsBefore.add(leaf(i, "/ha/cluster/views_seen"));
        long daemon = lab.cluster().pid(1).orElseThrow();
        assertThat(probe()[0]).as("the exposed API answers before the attack").isEqualTo("200");

        Path out = lab.cluster().state().dir().resolve("slow-clients.out");
        List<String> attack = Netns.execIn(lab.layout().clientNamespace(), HavenRuntime.current().javaCommand(
                HavenRuntime.proberOptions(), "haven.lab.SlowClients", List.of(lab.layout().nodeAddress(1), "7443",
                        Integer.toString(ATTACK_CONNECTIONS), Integer.toString(ATTACK_SECONDS), "10")).toArray(String[]::new));
        Process attacker = new ProcessBuilder(attack).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long attackEnds = System.nanoTime() + TimeUnit.SECONDS.toNanos(ATTACK_SECONDS - 5);
            Pids.sleep(5000); // the first wave of connections is open
            double slowest = 0;
            int probes = 0;
            long mostRssKb = 0;
            while (System.nanoTime() < attackEnds) {
                String[] p = probe();
                probes++;
                assertThat(p[0]).as("probe %d during the attack: %s\n%s", probes, String.join(" ", p), lab.cluster().logTails(20))
                        .isEqualTo("200");
                slowest = Math.max(slowest, Double.parseDouble(p[1]));
                assertThat(Pids.alive(daemon)).as("n1's daemon is alive").isTrue();
                mostRssKb = Math.max(mostRssKb, Pids.rssKb(daemon).orElse(0L));
                Pids.sleep(1000);
            }
            assertThat(attacker.waitFor(ATTACK_SECONDS + 30, TimeUnit.SECONDS)).as("the attacker finished").isTrue();
            String summary = Files.readString(out).strip();
            System.out.printf("slow connections: attacker: %s; %d token reads from n2 during the attack, slowest %.3f s;"
                    + " n1 daemon RSS at most %d MB%n", summary, probes, slowest, mostRssKb / 1024);
            assertThat(summary).startsWith("opened ");
            long opened = Long.parseLong(summary.substring("opened ".length(), summary.indexOf(',')));
            assertThat(opened).as("connections the attacker opened").isGreaterThanOrEqualTo(ATTACK_CONNECTIONS);
            assertThat(slowest).as("slowest valid request during the attack, s").isLessThan(1.0);
        } finally {
            if (attacker.isAlive()) {
                attacker.destroyForcibly();
                attacker.waitFor(10, TimeUnit.SECONDS);
            }
        }
        List<String> viewsAfter = new ArrayList<>();
        for (int i = 1; i <= nodes; i++) viewsAfter.add(leaf(i, "/ha/cluster/views_seen"));
        assertThat(viewsAfter).as("views seen by every node (no membership change)").isEqualTo(viewsBefore);
        assertThat(leaf(1, "/ha/cluster/members").lines().toList()).containsExactlyInAnyOrderElementsOf(lab.layout().nodeNames());
        assertThat(lab.cluster().pid(1)).as("the same n1 daemon").contains(daemon);
        assertThat(Pids.alive(daemon)).isTrue();
        // The error's class name, not the bare word: the log's first line is the command, and the daemon's
        // default options name -XX:+ExitOnOutOfMemoryError.
        assertThat(Files.readString(lab.cluster().state().log(lab.layout().nodeName(1)))).doesNotContain("java.lang.OutOfMemoryError");
    }
}
