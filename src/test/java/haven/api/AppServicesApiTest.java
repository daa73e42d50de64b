package haven.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import haven.cib.ClusterState;
import haven.cib.Command;
import haven.core.NodeId;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** /ha/messages, /ha/barriers and /ha/quorum over a real loopback socket, with the real JDK HTTP client. */
class AppServicesApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private LoopbackNode node;
    /** A thread per call: blocked callers must not queue behind each other in a small common pool. */
    private static final java.util.concurrent.ExecutorService AT_ONCE = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void start() throws Exception {
        node = new LoopbackNode();
    }

    @AfterEach
    void stop() {
        node.close();
    }

    private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.uri().resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSentMessageGetsItsSeqOnceCommittedAndReadersSeeItInOrder() throws Exception {
        var first = call("POST", "/ha/messages?name=config", "v1");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).isEqualTo("1\n");
        var second = call("POST", "/ha/messages?name=config", "v2 é", "Accept", "application/json");
        assertThat(JSON.readTree(second.body()).path("seq").asLong()).isEqualTo(2);
        var toOther = call("POST", "/ha/messages?name=private&to=n2", "for n2");
        assertThat(toOther.body()).isEqualTo("3\n");
        assertThat(call("POST", "/ha/messages?name=last", "").body()).isEqualTo("4\n");

        JsonNode all = JSON.readTree(call("GET", "/ha/messages", null).body());
        assertThat(all.path("last_seq").asLong()).isEqualTo(4);
        List<String> seen = new ArrayList<>();
        for (JsonNode m : all.path("messages")) seen.add(m.path("seq").asLong() + " " + m.path("from").asText() + " " + m.path("value").asText());
        // n1 reads: the message to n2 keeps its place in the order, but is not delivered here.
        assertThat(seen).containsExactly("1 n1 v1", "2 n1 v2 é", "4 n1 ");
        JsonNode after = JSON.readTree(call("GET", "/ha/messages?after=2", null).body());
        assertThat(after.path("messages")).hasSize(1);
        assertThat(after.path("messages").get(0).path("name").asText()).isEqualTo("last");
    }

    @Test
    void badMessagesAreRefusedWithTheReasonAndNothingIsCommitted() throws Exception {
        assertThat(call("POST", "/ha/messages", "v").body()).contains("a message needs a name: POST /ha/messages?name=N");
        var badName = call("POST", "/ha/messages?name=9lives", "v");
        assertThat(badName.statusCode()).isEqualTo(400);
        assertThat(badName.body()).contains("message name '9lives' is not valid");
        var big = call("POST", "/ha/messages?name=big", "x".repeat(1025));
        assertThat(big.statusCode()).isEqualTo(400);
        assertThat(big.body()).contains("over 1024 bytes");
        var nobody = call("POST", "/ha/messages?name=m&to=n9", "v");
        assertThat(nobody.statusCode()).isEqualTo(404);
        assertThat(nobody.body()).contains("no node named 'n9'; nodes: [n1, n2, n3]");
        assertThat(call("GET", "/ha/messages?after=-3", null).body()).contains("after '-3' is not a message seq");
        assertThat(call("DELETE", "/ha/messages", null).statusCode()).isEqualTo(405);
        node.quorate(false);
        var alone = call("POST", "/ha/messages?name=m", "v");
        assertThat(alone.statusCode()).isEqualTo(503);
        assertThat(alone.body()).contains("has no quorum now");
        assertThat(node.committed()).isEmpty();
    }

    @Test
    void aReaderWhoseCursorTheRingHasPassedIsToldWhatIsGone() throws Exception {
        ClusterState s = ClusterState.EMPTY;
        for (int i = 1; i <= 300; i++) s = s.apply(List.of(new Command.Send(NodeId.of("n2"), Optional.empty(), "m", "v" + i, 1, i)));
        node.set(s);
        var gone = call("GET", "/ha/messages?after=10", null);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.body()).contains("messages 11..44 are gone (the cluster keeps the last 256); read from after=44");
        assertThat(JSON.readTree(call("GET", "/ha/messages?after=44", null).body()).path("messages")).hasSize(256);
    }

    @Test
    void theStreamResumesAfterLastEventIdAndFollowsNewMessages() throws Exception {
        for (String v : List.of("a", "b", "c")) call("POST", "/ha/messages?name=m", v);
        HttpRequest req = HttpRequest.newBuilder(node.uri().resolve("/ha/messages/stream")).header("Last-Event-ID", "1").build();
        HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            List<String> ids = new ArrayList<>();
            CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
                try {
                    for (String line = in.readLine(); line != null && ids.size() < 3; line = in.readLine()) {
                        if (line.startsWith("id: ")) ids.add(line.substring(4));
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(200);
            call("POST", "/ha/messages?name=m", "d");
            reader.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ids).containsExactly("2", "3", "4");
        }
        var tooOld = call("GET", "/ha/messages/stream?after=x", null);
        assertThat(tooOld.statusCode()).isEqualTo(400);
    }

    @Test
    void threeCallersAreReleasedTogetherWhenTheLastArrives() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (String p : List.of("a", "b")) {
            calls.add(CompletableFuture.supplyAsync(() -> barrier("go", p, "a,b,c", "10s"), AT_ONCE));
        }
        // Wait until both arrivals are committed (a busy machine may take a while), then check nobody is released.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        String missing = "";
        while (System.nanoTime() < deadline && !missing.equals("[\"c\"]")) {
            var read = call("GET", "/ha/barriers/go", null); // 404 until the first arrival is committed
            if (read.statusCode() == 200) missing = JSON.readTree(read.body()).path("missing").toString();
            if (!missing.equals("[\"c\"]")) Thread.onSpinWait();
        }
        assertThat(missing).isEqualTo("[\"c\"]");
        assertThat(calls).noneMatch(CompletableFuture::isDone);
        calls.add(CompletableFuture.supplyAsync(() -> barrier("go", "c", "a,b,c", "10s"), AT_ONCE));
        for (var c : calls) {
            HttpResponse<String> r = c.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("completed: barrier go round 1: a, b, c arrived\n");
        }
        assertThat(JSON.readTree(call("GET", "/ha/barriers", null).body()).path("open").size()).isZero();
    }

    @Test
    void aBarrierWithSomeoneMissingTimesOutForEveryCallerNamingThem() throws Exception {
        long start = System.nanoTime();
        var a = CompletableFuture.supplyAsync(() -> barrier("go", "a", "a,b,c", "400ms"), AT_ONCE);
        var b = CompletableFuture.supplyAsync(() -> barrier("go", "b", "a,b,c", "2s"), AT_ONCE);
        for (var c : List.of(a, b)) {
            HttpResponse<String> r = c.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(504);
            assertThat(r.body()).startsWith("timed out: barrier go round 1: missing c (arrived: a, b); timed out: the timeout of a");
        }
        // The first caller's timeout ended the round for both, well before the second one's own.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1900));
        var dup = CompletableFuture.supplyAsync(() -> barrier("again", "a", "2", "5s"), AT_ONCE);
        Thread.sleep(200);
        var twice = barrier("again", "a", "2", "5s");
        assertThat(twice.statusCode()).isEqualTo(409);
        assertThat(twice.body()).contains("participant a already waits at barrier again");
        assertThat(barrier("again", "b", "2", "5s").statusCode()).isEqualTo(200);
        assertThat(dup.get(5, java.util.concurrent.TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        var bad = barrier("x", "a", "b,c", "5s");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("participant a is not among the expected [b, c]");
        assertThat(barrier("x", "a", "1", "soon").body()).contains("timeout: 'soon' is not a duration");
    }

    private HttpResponse<String> barrier(String name, String participant, String expected, String timeout) {
        try {
            return call("POST", "/ha/barriers/" + name + "?participant=" + participant + "&expected=" + expected + "&timeout=" + timeout, null);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void theQuorumQueryAnswersAsABranchAndAsLeaves() throws Exception {
        JsonNode q = JSON.readTree(call("GET", "/ha/quorum", null).body());
        assertThat(q.path("quorate").asBoolean()).isTrue();
        assertThat(q.path("mode").asText()).isEqualTo("majority");
        assertThat(q.path("expected_votes").asInt()).isEqualTo(3);
        assertThat(q.path("votes").asInt()).isEqualTo(3);
        assertThat(q.path("needed").asInt()).isEqualTo(2);
        assertThat(call("GET", "/ha/quorum/quorate", null).body()).isEqualTo("true\n");
        assertThat(call("GET", "/ha/quorum/members", null).body()).isEqualTo("n1\nn2\nn3\n");
        node.quorate(false);
        assertThat(call("GET", "/ha/quorum/quorate", null).body()).isEqualTo("false\n");
        assertThat(call("GET", "/ha/quorum/votes", null).body()).isEqualTo("1\n");
    }
}
