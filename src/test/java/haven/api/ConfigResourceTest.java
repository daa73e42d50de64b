package haven.api;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.validation.ConfigValidator;
import haven.events.EventRecorder;
import haven.membership.ClusterLog;
import haven.node.NodeStatus;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * /ha/config over a real socket. The cluster log here applies each entry to the published state at once, as
 * every node would; a proposal can also be made to lose the race to another change committed first.
 */
class ConfigResourceTest {
    static final String TEXT = """
            cluster: { name: lab, key: "0123456789abcdef", api_port: %d }
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            resources:
              - { name: vip, type: ipaddr, params: { address: 10.0.0.100/24 } }
            groups:
              - { name: web, members: [vip] }
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final AtomicReference<NodeStatus> status = new AtomicReference<>();
    /** Committed by "someone else" just before each proposal of ours, when set. */
    private final AtomicReference<Command> raceWinner = new AtomicReference<>();
    private final ClusterLog log = (entry, timeout) -> {
        Command first = raceWinner.getAndSet(null);
        if (first != null) publish(status.get().state().apply(List.of(first)));
        publish(status.get().state().apply(entry));
        return CompletableFuture.completedFuture(null);
    };
    private ApiServer server;
    private int port;
    private String text;

    private void publish(ClusterState s) {
        NodeStatus n = status.get();
        status.set(new NodeStatus(n.config(), n.self(), s, n.members(), n.coordinator(), n.quorate(), n.local(), n.explanations(), 1));
    }

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        text = TEXT.formatted(port);
        ClusterConfig config = ConfigLoader.parse(text, "test.yaml");
        status.set(Snapshots.status(config, ClusterState.EMPTY, List.of(Snapshots.N1, Snapshots.N2, Snapshots.N3), true));
        server = new ApiServer(config, status::get, log, new EventRecorder(Snapshots.N1, System::currentTimeMillis, 8))
                .withConfig(resource(status::get, log, text));
        server.start();
    }

    /** /ha/config over {@code text} as this node's file, checked without asking agents. */
    static ConfigResource resource(java.util.function.Supplier<NodeStatus> status, ClusterLog log, String text) {
        return new ConfigResource(status, log, () -> text, new ConfigValidator(Path.of(""), haven.validation.AgentChecks.NONE));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String body, String... headers) throws Exception {
        return sendTo("/ha/config", method, body, headers);
    }

    private HttpResponse<String> sendTo(String path, String method, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String withSecondVip() {
        return text.replace("groups:", "  - { name: vip2, type: ipaddr, params: { address: 10.0.0.101/24 } }\ngroups:")
                + "  - { name: db, members: [vip2] }\n";
    }

    @Test
    void beforeAnyChangeGetReturnsTheNodesFileAsVersionZero() throws Exception {
        HttpResponse<String> r = send("GET", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("ETag")).hasValue("\"0\"");
        assertThat(r.body()).isEqualTo(text.replace("\"0123456789abcdef\"", "<redacted>"));
        assertThat(send("GET", null, "Accept", "application/json").body()).contains("\"version\" : 0", "\"sha256\" : \"");
    }

    @Test
    void aChangeAgainstTheCurrentVersionIsCommittedAndReadBack() throws Exception {
        HttpResponse<String> r = send("PUT", withSecondVip(), "If-Match", "\"0\"");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).startsWith("ok: config version 1 committed");
        assertThat(r.headers().firstValue("ETag")).hasValue("\"1\"");
        HttpResponse<String> read = send("GET", null);
        assertThat(read.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(read.body()).isEqualTo(withSecondVip().replace("\"0123456789abcdef\"", "<redacted>"));
    }

    @Test
    void aDryRunSaysWhatTheChangeWouldDoAndCommitsNothing() throws Exception {
        publish(status.get().state().apply(List.of(new Command.Assign(haven.core.GroupId.of("web"), java.util.Optional.of(Snapshots.N1), "t"),
                new Command.Started(haven.core.GroupId.of("web"), Snapshots.N1, 1))));
        String changed = withSecondVip().replace("- { name: web, members: [vip] }", "- { name: web, members: [vip], prefer: n2 }")
                .replace("10.0.0.100/24", "10.0.0.102/24");
        HttpResponse<String> r = sendTo("/ha/config?dry_run=true", "PUT", changed, "If-Match", "\"0\"");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).startsWith("dry run: nothing was committed; the config is valid and would be version 1\n"
                + "on every node: new groups [db]; new resources [vip2]; restart [vip]\n"
                + "what if config version 1 applied:\n");
        assertThat(r.body()).contains("start db on").contains("web: runs on n1");
        assertThat(status.get().state().config().version()).as("nothing committed").isZero();
        HttpResponse<String> invalid = sendTo("/ha/config?dry_run=true", "PUT", changed.replace("members: [vip2]", "members: [nope]"),
                "If-Match", "\"0\"");
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(sendTo("/ha/config?dry_run=maybe", "PUT", changed, "If-Match", "\"0\"").statusCode()).isEqualTo(400);
        assertThat(sendTo("/ha/config?dry_run=true", "PUT", changed, "If-Match", "\"3\"").statusCode()).as("a stale base").isEqualTo(409);
    }

    @Test
    void aRedactedTextWrittenBackKeepsTheStoredKey() throws Exception {
        String read = send("GET", null).body();
        assertThat(read).contains("key: <redacted>").doesNotContain("0123456789abcdef");
        String edited = read.replace("groups:", "  - { name: vip2, type: ipaddr, params: { address: 10.0.0.101/24 } }\ngroups:")
                + "  - { name: db, members: [vip2] }\n";
        HttpResponse<String> r = send("PUT", edited, "If-Match", "0");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(status.get().state().config().text()).isEqualTo(withSecondVip());
        // A key written in clear is taken as written (ConfigSecretsTest): here the live check refuses a new cluster key.
        String newKey = send("GET", null).body().replace("<redacted>", "\"fedcba9876543210-new\"");
        HttpResponse<String> changed = send("PUT", newKey, "If-Match", "1");
        assertThat(changed.statusCode()).isEqualTo(422);
        assertThat(changed.body()).contains("cluster").doesNotContain("fedcba9876543210-new", "0123456789abcdef");
    }

    @Test
    void aRedactedSecretWithNothingStoredAtItsPathIsRefusedNamingThePath() throws Exception {
        String withFenceDevice = send("GET", null).body() + "fencing:\n  devices:\n    - name: ipmi1\n      agent: fence_ipmilan\n"
                + "      params: { ip: 10.0.0.9, password: <redacted> }\n      hosts: [n1]\n";
        HttpResponse<String> r = send("PUT", withFenceDevice, "If-Match", "0");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("fencing.devices[ipmi1].params.password is <redacted>, but the running config has no"
                + " value there to keep; write the secret in clear");
        assertThat(status.get().state().config().version()).isZero();
    }

    @Test
    void rootMayAskForTheClearTextAndAnythingElseThanTrueOrFalseIsABadRequest() throws Exception {
        HttpResponse<String> clear = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ha/config?secrets=true"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(clear.statusCode()).isEqualTo(200);
        assertThat(clear.body()).isEqualTo(text);
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ha/config?secrets=yes"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(bad.statusCode()).isEqualTo(400);
    }

    private static String curlCode(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-m", "10", "-o", "/dev/null", "-w", "%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
    }

    /** curl run as user nobody (uid 65534, no groups): another local user of the machine. */
    private String[] asNobody(String... curlArgs) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "curl", "-sS", "-m", "10", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(curlArgs));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertThat(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("curl as nobody finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        int nl = out.lastIndexOf('\n');
        return new String[] {out.substring(nl + 1).trim(), out.substring(0, nl)};
    }

    @Test
    void anotherLocalUserReadsTheRedactedConfigButCannotChangeItNorReadItsSecrets() throws Exception {
        String base = "http://127.0.0.1:" + port;
        String[] read = asNobody(base + "/ha/config");
        assertThat(read[0]).isEqualTo("200");
        assertThat(read[1]).contains("key: <redacted>").doesNotContain("0123456789abcdef");

        String[] secrets = asNobody(base + "/ha/config?secrets=true");
        assertThat(secrets[0]).isEqualTo("403");
        assertThat(secrets[1]).startsWith("secrets in clear refused: on the local API only root may change the cluster or"
                + " read its secrets, and this connection is nobody (uid 65534); run the command as root (sudo haven ...)");

        String[] put = asNobody("-X", "PUT", "-H", "If-Match: 0", "--data-binary", withSecondVip(), base + "/ha/config");
        assertThat(put[0]).isEqualTo("403");
        assertThat(put[1]).startsWith("PUT /ha/config refused: on the local API only root");
        assertThat(status.get().state().config().version()).isZero();

        String[] maintenance = asNobody("-X", "PUT", "--data", "on because", base + "/ha/cluster/maintenance");
        assertThat(maintenance[0]).isEqualTo("403");
        assertThat(maintenance[1]).contains("let a group do it with api.local_group");
        assertThat(asNobody(base + "/ha/cluster/quorate")[0]).isEqualTo("200");
    }

    @Test
    void aWebPageOfAnotherOriginOrUnderAnotherHostNameIsRefusedEvenInRootsBrowser() throws Exception {
        String base = "http://127.0.0.1:" + port;
        assertThat(curlCode("-H", "Origin: http://evil.example", "-X", "PUT", "--data", "off", base + "/ha/cluster/maintenance"))
                .isEqualTo("403");
        assertThat(curlCode("-H", "Host: rebound.example:" + port, base + "/ha/config?secrets=true")).isEqualTo("403");
        HttpResponse<String> sameOrigin = send("GET", null, "Origin", base);
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
    }

    @Test
    void aChangeAgainstAnOldVersionIsRefusedWithBothVersions() throws Exception {
        assertThat(send("PUT", withSecondVip(), "If-Match", "0").statusCode()).isEqualTo(200);
        HttpResponse<String> r = send("PUT", text, "If-Match", "0");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("made against version 0", "the cluster is at version 1", "nothing was changed");
        assertThat(status.get().state().config().version()).isEqualTo(1);
        assertThat(status.get().state().config().text()).isEqualTo(withSecondVip());
    }

    @Test
    void losingTheRaceToAnotherChangeIsA409NotAMerge() throws Exception {
        String theirs = text.replace("10.0.0.100/24", "10.0.0.102/24");
        raceWinner.set(new Command.SetConfig(0, theirs, haven.cib.ConfigRevision.sha256(theirs)));
        HttpResponse<String> r = send("PUT", withSecondVip(), "If-Match", "0");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(status.get().state().config().text()).as("theirs stands, ours was skipped").isEqualTo(theirs);
    }

    @Test
    void anInvalidConfigIsRefusedWithEveryProblemAndNothingIsProposed() throws Exception {
        String bad = withSecondVip().replace("10.0.0.101/24", "10.0.0.101/40").replace("members: [vip2]", "members: [vip2, ghost]");
        HttpResponse<String> r = send("PUT", bad, "If-Match", "0");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("nothing changed", "2 problems", "10.0.0.101/40", "'ghost'");
        assertThat(status.get().state().version()).isZero();
    }

    @Test
    void aChangeThatNeedsARestartIsRefused() throws Exception {
        HttpResponse<String> r = send("PUT", text.replace("name: lab", "name: other"), "If-Match", "0");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(r.body()).contains("cluster.name", "rolling restart");
    }

    @Test
    void aChangeWithoutAVersionIsRefused() throws Exception {
        HttpResponse<String> r = send("PUT", withSecondVip());
        assertThat(r.statusCode()).isEqualTo(428);
        assertThat(r.body()).contains("If-Match");
        assertThat(send("PUT", withSecondVip(), "If-Match", "latest").statusCode()).isEqualTo(400);
    }
}
