package haven.api;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ApiAccess;
import haven.config.ClusterConfig;
import haven.config.ConfigLoader;
import haven.events.EventRecorder;
import haven.membership.ClusterLog;
import haven.node.NodeStatus;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /ha/config over the exposed HTTPS listener: no token reads a secret, and a change names its token in the log. */
class ExposedSecretsTest {
    private static final String READ = "read-token-0123456789";
    private static final String ADMIN = "admin-token-0123456789";
    private final AtomicReference<NodeStatus> status = new AtomicReference<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private ApiServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void aReadOrAdminTokenGetsTheConfigRedactedNeverInClearAndAnAdminChangeNamesItsToken(@TempDir Path dir) throws Exception {
        var pair = haven.config.TestCerts.make(dir, "api", "127.0.0.1");
        var cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(pair.cert()));
        String pem = Files.readString(pair.key());
        String b64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(b64)));
        int exposedPort = freePort();
        String text = ConfigResourceTest.TEXT.formatted(freePort());
        ClusterConfig b = ConfigLoader.parse(text, "test.yaml");
        ClusterConfig config = new ClusterConfig(b.clusterName(), b.key(), b.port(), b.apiPort(), b.timing(), b.policy(), b.nodes(),
                b.resources(), b.groups(), b.quorum(), b.fencing(), new ApiAccess(Optional.of(new ApiAccess.Exposed("127.0.0.1",
                        exposedPort, List.of(new ApiAccess.Token(ApiAccess.Role.READ, READ, "grafana"),
                                new ApiAccess.Token(ApiAccess.Role.ADMIN, ADMIN, "ops")), new ApiAccess.Tls(List.of(cert), key)))));
        // The node runs the text's config (the live check compares a change with it); the server listens as `config` says.
        status.set(Snapshots.status(b, ClusterState.EMPTY, List.of(Snapshots.N1, Snapshots.N2, Snapshots.N3), true));
        ClusterLog log = (entry, timeout) -> {
            RequestNotes.strip(entry, requests);
            NodeStatus n = status.get();
            status.set(new NodeStatus(n.config(), n.self(), n.state().apply(entry), n.members(), n.coordinator(), n.quorate(), n.local(),
                    n.explanations(), 1));
            return CompletableFuture.completedFuture(null);
        };
        server = new ApiServer(config, status::get, log, new EventRecorder(Snapshots.N1, System::currentTimeMillis, 8))
                .withConfig(ConfigResourceTest.resource(status::get, log, text));
        server.start();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("api", cert);
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
        String url = "https://127.0.0.1:" + exposedPort + "/ha/config";

        HttpResponse<String> read = https.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + READ)
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains("key: <redacted>").doesNotContain("0123456789abcdef");
        for (String token : List.of(READ, ADMIN)) {
            HttpResponse<String> clear = https.send(HttpRequest.newBuilder(URI.create(url + "?secrets=true"))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(clear.statusCode()).isEqualTo(403);
            assertThat(clear.body()).contains("the exposed API never shows secrets in clear").doesNotContain("0123456789abcdef");
        }

        String edited = read.body().replace("groups:", "  - { name: vip2, type: ipaddr, params: { address: 10.0.0.101/24 } }\ngroups:")
                + "  - { name: db, members: [vip2] }\n";
        HttpResponse<String> put = https.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + ADMIN)
                .header("If-Match", "0").timeout(Duration.ofSeconds(10)).PUT(HttpRequest.BodyPublishers.ofString(edited)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(status.get().state().config().text()).contains("key: \"0123456789abcdef\"").doesNotContain("<redacted>");
        assertThat(requests).containsExactly("PUT /ha/config (version 1) by token ops (admin)");
    }
}
