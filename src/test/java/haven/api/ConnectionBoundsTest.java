package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ApiAccess;
import haven.config.ClusterConfig;
import haven.events.EventRecorder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the listeners do to slow and many connections, measured against the real JDK server and TLS: the
 * exposed listener resets connections beyond the bound of one address at once and still serves another
 * address; connections that deliver no whole request are closed after {@link HttpLimits#REQUEST_SECONDS},
 * whether they stall in the TLS handshake, in the headers, or send nothing.
 */
class ConnectionBoundsTest {
    private static final String TOKEN = "read-token-0123456789";
    private static final long CLOSE_WITHIN_MS = (HttpLimits.REQUEST_SECONDS + 3) * 1000L;
    private ApiServer server;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing what the test opened
            }
        }
        if (server != null) server.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A connection from {@code from} that has sent {@code bytes} and nothing more. */
    private Socket slow(InetAddress from, int port, byte[] bytes) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        if (bytes.length > 0) s.getOutputStream().write(bytes);
        return s;
    }

    /** How long until the server ended the connection, or -1 if it still holds it after {@code waitMs}. */
    private static long endsAfter(Socket s, long startNanos, int waitMs) throws IOException {
        s.setSoTimeout(waitMs);
        try {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // a 408 or an alert may come before the end
            }
        } catch (SocketTimeoutException e) {
            return -1;
        } catch (IOException reset) {
            // a reset is an end too
        }
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void theExposedListenerRefusesAnAddressBeyondItsBoundServesAnotherAndClosesStalledHandshakes(@TempDir Path dir) throws Exception {
        var pair = haven.config.TestCerts.make(dir, "api", "127.0.0.1");
        var cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(Files.newInputStream(pair.cert()));
        String pem = Files.readString(pair.key());
        String b64 = pem.substring(pem.indexOf("-----BEGIN PRIVATE KEY-----") + 27, pem.indexOf("-----END PRIVATE KEY-----"));
        var key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(b64)));
        int exposedPort = freePort();
        ClusterConfig base = config(freePort());
        ClusterConfig config = new ClusterConfig(base.clusterName(), base.key(), base.port(), base.apiPort(), base.timing(), base.policy(),
                base.nodes(), base.resources(), base.groups(), base.quorum(), base.fencing(),
                new ApiAccess(Optional.of(new ApiAccess.Exposed("127.0.0.1", exposedPort,
                        List.of(new ApiAccess.Token(ApiAccess.Role.READ, TOKEN, "viewer")), new ApiAccess.Tls(List.of(cert), key)))));
        var status = status(config, webOnN2(), List.of(N1, N2, N3), true);
        server = new ApiServer(config, () -> status, (entry, timeout) -> CompletableFuture.completedFuture(null),
                new EventRecorder(N1, System::currentTimeMillis, 8));
        server.start();

        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("api", cert);
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient.Builder fromOther = HttpClient.newBuilder().sslContext(ssl).localAddress(InetAddress.getByName("127.0.0.2"))
                .connectTimeout(Duration.ofSeconds(2));
        HttpRequest quorate = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exposedPort + "/ha/cluster/quorate"))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(5)).build();
        // One read before the attack, so that the measured one is the server's answer, not this JVM's first TLS handshake.
        assertThat(fromOther.build().send(quorate, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

        InetAddress attacker = InetAddress.getByName("127.0.0.1");
        byte[] helloStart = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}; // a TLS record header and the first byte of a ClientHello
        int tries = HttpLimits.EXPOSED.maxPerAddress() + 8;
        long opened = System.nanoTime();
        List<Socket> attempts = new ArrayList<>();
        int refusedAtOnce = 0;
        for (int i = 0; i < tries; i++) {
            try {
                attempts.add(slow(attacker, exposedPort, helloStart));
            } catch (java.net.SocketException resetWhileConnecting) {
                refusedAtOnce++; // the front's reset may beat the end of our own connect on a busy machine
            }
        }
        for (Socket s : attempts) {
            if (endsAfter(s, opened, 300) >= 0) refusedAtOnce++;
        }
        assertThat(refusedAtOnce).as("connections beyond %d from one address", HttpLimits.EXPOSED.maxPerAddress()).isEqualTo(8);

        HttpClient fresh = fromOther.build(); // a new connection, which the front must admit
        long asked = System.nanoTime();
        HttpResponse<String> r = fresh.send(quorate, HttpResponse.BodyHandlers.ofString());
        long answeredMs = (System.nanoTime() - asked) / 1_000_000;
        assertThat(r.statusCode()).isEqualTo(200);
        // Well inside the 10 s after which the held connections would be closed anyway: the front let it through.
        assertThat(answeredMs).as("another address is answered while one holds its bound").isLessThan(5000);

        long slowest = 0;
        for (Socket s : attempts) {
            long ended = endsAfter(s, opened, (int) CLOSE_WITHIN_MS);
            assertThat(ended).as("a stalled TLS handshake is closed").isNotNegative();
            slowest = Math.max(slowest, ended);
        }
        System.out.printf("exposed: %d of %d refused at once; another address answered in %d ms; stalled handshakes closed after %d ms%n",
                refusedAtOnce, tries, answeredMs, slowest);
        assertThat(slowest).isGreaterThanOrEqualTo(HttpLimits.REQUEST_SECONDS * 1000L - 1500);
    }

    @Test
    void theLocalListenerClosesSlowHeadersAndSilentConnections() throws Exception {
        int port = freePort();
        ClusterConfig config = config(port);
        var status = status(config, webOnN2(), List.of(N1, N2, N3), true);
        server = new ApiServer(config, () -> status, (entry, timeout) -> CompletableFuture.completedFuture(null),
                new EventRecorder(N1, System::currentTimeMillis, 8));
        server.start();
        InetAddress lo = InetAddress.getLoopbackAddress();
        long opened = System.nanoTime();
        Socket silent = slow(lo, port, new byte[0]);
        Socket slowHeaders = slow(lo, port, "GET /ha HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        // One more header line a second, never the empty line that ends them.
        Thread dripping = Thread.ofVirtual().start(() -> {
            try {
                OutputStream out = slowHeaders.getOutputStream();
                for (int i = 0; i < 30; i++) {
                    Thread.sleep(1000);
                    out.write(("X-Drip-" + i + ": 1\r\n").getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException | InterruptedException ended) {
                // the server closed it, as it should
            }
        });
        long silentEnd = endsAfter(silent, opened, (int) CLOSE_WITHIN_MS);
        long slowEnd = endsAfter(slowHeaders, opened, (int) CLOSE_WITHIN_MS);
        dripping.interrupt();
        System.out.printf("local: silent connection closed after %d ms, dripping headers after %d ms%n", silentEnd, slowEnd);
        assertThat(silentEnd).isNotNegative();
        assertThat(slowEnd).isNotNegative();
    }

    @Test
    void aWaitLongerThanTheRequestLimitIsAnsweredEvenWithABodySent() throws Exception {
        try (LoopbackNode node = new LoopbackNode()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            int waitSeconds = HttpLimits.REQUEST_SECONDS + 2;
            long asked = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.uri().resolve("/ha/barriers/late?participant=a&expected=2&timeout="
                    + waitSeconds + "s")).timeout(Duration.ofSeconds(waitSeconds + 10)).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                    HttpResponse.BodyHandlers.ofString());
            long tookMs = (System.nanoTime() - asked) / 1_000_000;
            assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
            assertThat(r.body()).startsWith("timed out: barrier late");
            assertThat(tookMs).isGreaterThanOrEqualTo(waitSeconds * 1000L);
        }
    }
}
