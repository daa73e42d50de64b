package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ApiAccess;
import haven.config.ClusterConfig;
import haven.events.EventRecorder;
import haven.membership.ClusterLog;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's files over real sockets: served at / on both listeners, without a token on the exposed
 * one (the page holds no data) while the /ha reads it makes still need one. The page itself is tested in a
 * real browser by the lab test DashboardLabTest.
 */
class DashboardTest {
    private static final String TOKEN = "read-token-0123456789";
    private final ClusterLog log = (entry, timeout) -> CompletableFuture.completedFuture(null);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private ApiServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        port = freePort();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private void serve(ClusterConfig config) throws Exception {
        var status = status(config, webOnN2(), List.of(N1, N2, N3), true);
        EventRecorder events = new EventRecorder(N1, System::currentTimeMillis, 8);
        events.observe(status);
        server = new ApiServer(config, () -> status, log, events);
        server.start();
    }

    private HttpResponse<String> send(HttpClient client, String method, String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) b.headers(headers);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void thePageAndItsFilesAreServedWithAPolicyThatKeepsThemToTheirOrigin() throws Exception {
        serve(config(port));
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> page = send(http, "GET", base + "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("connect-src 'self'", "script-src 'self'");
        assertThat(page.body()).contains("<script src=\"/dashboard.js\"", "<link rel=\"stylesheet\" href=\"/dashboard.css\">");
        assertThat(send(http, "GET", base + "/dashboard").body()).isEqualTo(page.body());
        HttpResponse<String> js = send(http, "GET", base + "/dashboard.js");
        assertThat(js.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(js.body()).contains("/ha/events", "Authorization");
        assertThat(send(http, "GET", base + "/dashboard.css").body()).contains("[hidden]");
        assertThat(send(http, "GET", base + "/favicon.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");
        assertThat(send(http, "GET", base + "/ha/cluster/name").body()).as("the API beside it").isEqualTo("test\n");
    }

    @Test
    void otherPathsAndMethodsAreRefusedSayingWhereThingsAre() throws Exception {
        serve(config(port));
        String base = "http://127.0.0.1:" + port;
        HttpResponse<String> missing = send(http, "GET", base + "/../etc/passwd");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("the dashboard is at /, the API at /ha");
        assertThat(send(http, "GET", base + "/haven/dashboard/index.html").statusCode()).as("class path names are not paths").isEqualTo(404);
        HttpResponse<String> post = send(http, "POST", base + "/");
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(post.body()).contains("changes go to the /ha tree");
        HttpResponse<String> head = send(http, "HEAD", base + "/");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void onTheExposedListenerThePageNeedsNoTokenButWhatItReadsDoes(@TempDir Path dir) throws Exception {
        var pair = haven.config.TestCerts.make(dir, "api", "127.0.0.1");
        var cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(pair.cert()));
        String pem = Files.readString(pair.key());
        String b64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(b64)));
        int exposedPort = freePort();
        ClusterConfig base = config(port);
        serve(new ClusterConfig(base.clusterName(), base.key(), base.port(), base.apiPort(), base.timing(), base.policy(),
                base.nodes(), base.resources(), base.groups(), base.quorum(), base.fencing(),
                new ApiAccess(Optional.of(new ApiAccess.Exposed("127.0.0.1", exposedPort,
                        List.of(new ApiAccess.Token(ApiAccess.Role.READ, TOKEN, "viewer")), new ApiAccess.Tls(List.of(cert), key))))));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("api", cert);
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient https = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(2)).build();
        String url = "https://127.0.0.1:" + exposedPort;

        assertThat(send(https, "GET", url + "/").statusCode()).isEqualTo(200);
        assertThat(send(https, "GET", url + "/dashboard.js").statusCode()).isEqualTo(200);
        HttpResponse<String> tree = send(https, "GET", url + "/ha", "Accept", "application/json");
        assertThat(tree.statusCode()).isEqualTo(401);
        assertThat(tree.body()).contains("send 'Authorization: Bearer TOKEN'");
        assertThat(send(https, "GET", url + "/ha", "Accept", "application/json", "Authorization", "Bearer " + TOKEN).body())
                .contains("\"name\" : \"test\"");
    }
}
