package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.events.Change;
import haven.events.EventRecorder;
import haven.membership.ClusterLog;
import haven.node.NodeStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API over a real loopback socket with the real JDK HTTP client. The cluster log here commits every
 * proposal at once and records it: the real one is exercised by the lab test (ApiLabTest).
 */
class ApiServerTest {
    private final List<List<Command>> committed = new CopyOnWriteArrayList<>();
    /** Who asked for each committed entry, as its journal stamp says. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ClusterLog log = (entry, timeout) -> {
        committed.add(RequestNotes.strip(entry, requests));
        return CompletableFuture.completedFuture(null);
    };
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private AtomicReference<NodeStatus> status;
    private EventRecorder events;
    private ApiServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ClusterConfig config = config(port);
        ClusterState st = state(new Command.Assign(WEB, Optional.of(N2), "t"), new Command.Started(WEB, N2, 1),
                new Command.SetStandby(N3, true));
        status = new AtomicReference<>(Snapshots.status(config, st, List.of(N1, N2, N3), true));
        events = new EventRecorder(N1, System::currentTimeMillis, 8);
        events.observe(status.get());
        server = new ApiServer(config, status::get, log, events);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void leavesBranchesAndTheFirstApisPathsAnswer() throws Exception {
        var leaf = send("GET", "/ha/resources/site/state", null);
        assertThat(leaf.statusCode()).isEqualTo(200);
        assertThat(leaf.body()).isEqualTo("started n2\n");
        assertThat(leaf.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(send("GET", "/ha/resources/site/state", null, "Accept", "application/json").body()).isEqualTo("\"started n2\"\n");
        assertThat(send("GET", "/ha/cluster", null).body()).contains("\"coordinator\" : \"n1\"");
        assertThat(send("GET", "/ha/status", null).body()).contains("\"groups\"");
        assertThat(send("GET", "/ha/resources/web/why", null).body()).startsWith("group web [vip, site]\n  placed on: n2");
        var missing = send("GET", "/ha/nodes/n7", null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("no 'n7' under /ha/nodes; it holds: n1, n2, n3\n");
    }

    @Test
    void aMoveIsCommittedAndARefusedOneSaysWhyAndCommitsNothing() throws Exception {
        var ok = send("POST", "/ha/resources/site/move?node=n1", null);
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("ok: group web is to run on n1 until the move is cleared\n");
        var put = send("PUT", "/ha/nodes/n3/standby", "false");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(committed).containsExactly(List.of(new Command.Move(WEB, Optional.of(N1))), List.of(new Command.SetStandby(N3, false)));
        // The test runs as root: the uid owning this client's socket, read from the kernel, is in the timeline's note.
        assertThat(requests).containsExactly("POST /ha/resources/site/move by root (uid 0) on n1's local API",
                "PUT /ha/nodes/n3/standby by root (uid 0) on n1's local API");

        var refused = send("POST", "/ha/resources/site/move?node=n3", null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("n3 is in standby; bring it online first");
        var wrongMethod = send("PATCH", "/ha/nodes/n1", "x");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow")).isPresent();
        assertThat(committed).hasSize(2);
    }

    @Test
    void aNodeWithoutQuorumRefusesWritesSayingWhereToGo() throws Exception {
        NodeStatus s = status.get();
        status.set(new NodeStatus(s.config(), s.self(), s.state(), List.of(N1), Optional.empty(), false, s.local(), s.explanations(), 2));
        var r = send("POST", "/ha/nodes/n2/standby", null);
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).isEqualTo("n1 has no quorum now (members [n1] of [n1, n2, n3]), so it cannot change the cluster;"
                + " send the request to a node of the majority partition\n");
        assertThat(committed).isEmpty();
    }

    @Test
    void metricsAnswerInTheFormatAsked() throws Exception {
        var text = send("GET", "/metrics", null);
        assertThat(text.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.body()).contains("haven_members 3\n");
        var om = send("GET", "/metrics", null, "Accept", "application/openmetrics-text; version=1.0.0");
        assertThat(om.body()).endsWith("# EOF\n");
    }

    /** One SSE connection read line by line; closing it is a client disconnect. */
    private final class Sse implements AutoCloseable {
        final HttpResponse<java.io.InputStream> response;
        final BufferedReader in;

        Sse(String lastEventId, String query) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ha/events" + query))
                    .timeout(Duration.ofSeconds(5)).GET();
            if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        /** The ids of the next n events (the reads are bounded by the server's keepalive and the test's timeout). */
        List<String> ids(int n) throws Exception {
            List<String> ids = new ArrayList<>();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try {
                    String line;
                    while (ids.size() < n && (line = in.readLine()) != null) {
                        if (line.startsWith("id: ")) ids.add(line.substring(4));
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            done.get(5, java.util.concurrent.TimeUnit.SECONDS);
            return ids;
        }

        @Override
        public void close() throws Exception {
            response.body().close();
        }
    }

    @Test
    void aClientThatReconnectsWithItsLastIdMissesNothing() throws Exception {
        String stream = events.stream();
        String last;
        try (Sse first = new Sse(null, "?replay=all")) {
            assertThat(first.response.statusCode()).isEqualTo(200);
            assertThat(first.response.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
            assertThat(first.ids(1)).containsExactly(stream + ":1");
            events.ring().append(List.of(new Change("move", java.util.Map.of(), "a")), 1);
            last = first.ids(1).get(0);
            assertThat(last).isEqualTo(stream + ":2");
        }
        events.ring().append(List.of(new Change("move", java.util.Map.of(), "b"), new Change("move", java.util.Map.of(), "c")), 2);
        try (Sse again = new Sse(last, "")) {
            assertThat(again.ids(2)).containsExactly(stream + ":3", stream + ":4");
        }
    }

    @Test
    void anIdFromAnotherStreamOrOneTheRingNoLongerHoldsIsGone() throws Exception {
        var other = send("GET", "/ha/events", null, "Last-Event-ID", "n2-abc:3");
        assertThat(other.statusCode()).isEqualTo(410);
        assertThat(other.body()).contains("is not from this stream (" + events.stream() + ", now at 1)")
                .contains("reconnect without Last-Event-ID");
        for (int i = 0; i < 20; i++) events.ring().append(List.of(new Change("move", java.util.Map.of(), "x")), 3);
        var old = send("GET", "/ha/events", null, "Last-Event-ID", events.stream() + ":1");
        assertThat(old.statusCode()).isEqualTo(410);
        assertThat(old.body()).startsWith("events 2..13 of stream " + events.stream() + " are gone (this node keeps the last 8)");
        assertThat(send("GET", "/ha/events", null, "Last-Event-ID", "junk").statusCode()).isEqualTo(400);
    }

    @Test
    void theExposedListenerIsHttpsAndAsksForATokenWhileTheLocalOneDoesNot(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        server.close();
        var pair = haven.config.TestCerts.make(dir, "api", "127.0.0.1");
        int exposedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            exposedPort = s.getLocalPort();
        }
        var tls = new haven.config.ApiAccess.Tls(
                List.of((java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(java.nio.file.Files.newInputStream(pair.cert()))),
                readKey(pair.key()));
        var tokens = List.of(new haven.config.ApiAccess.Token(haven.config.ApiAccess.Role.READ, "read-token-0123456789", "viewer"));
        ClusterConfig base = status.get().config();
        ClusterConfig exposed = new ClusterConfig(base.clusterName(), base.key(), base.port(), base.apiPort(), base.timing(), base.policy(),
                base.nodes(), base.resources(), base.groups(), base.quorum(), base.fencing(),
                new haven.config.ApiAccess(Optional.of(new haven.config.ApiAccess.Exposed("127.0.0.1", exposedPort, tokens, tls))));
        server = new ApiServer(exposed, status::get, log, events);
        server.start();

        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("api", tls.chain().get(0));
        var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
        URI leaf = URI.create("https://127.0.0.1:" + exposedPort + "/ha/resources/site/state");
        var anonymous = https.send(HttpRequest.newBuilder(leaf).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"haven\"");
        var reader = https.send(HttpRequest.newBuilder(leaf).timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer read-token-0123456789")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reader.body()).isEqualTo("started n2\n");
        var write = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exposedPort + "/ha/nodes/n2/standby"))
                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer read-token-0123456789").POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(write.statusCode()).isEqualTo(403);
        assertThat(committed).isEmpty();
        assertThat(send("POST", "/ha/nodes/n2/standby", null).statusCode()).as("the local listener, no token").isEqualTo(200);
    }

    private static java.security.PrivateKey readKey(java.nio.file.Path pem) throws Exception {
        String text = java.nio.file.Files.readString(pem);
        String b64 = text.substring(text.indexOf("-----BEGIN PRIVATE KEY-----") + 27, text.indexOf("-----END PRIVATE KEY-----"));
        return java.security.KeyFactory.getInstance("EC").generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(java.util.Base64.getMimeDecoder().decode(b64)));
    }
}
