package haven.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An application's handle on one haven node's API: {@code {name,value}} messages in the cluster's one
 * order, barriers, and the quorum query.
 *
 * <pre>{@code
 * try (HavenClient haven = HavenClient.connect(URI.create("http://127.0.0.1:7480"))) {
 *     long seq = haven.send("config", "v42");
 *     try (var sub = haven.subscribe(0, m -> System.out.println(m.seq() + " " + m.name() + "=" + m.value()))) {
 *         haven.barrier("loaded", "app-on-n1", 3, Duration.ofSeconds(30));
 *     }
 * }
 * }</pre>
 *
 * Every call blocks until the API answers and throws {@link HavenException} with the API's reason when it
 * refuses; thread-safe.
 */
public final class HavenClient implements AutoCloseable {
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final Optional<String> token;
    private final HttpClient http;

    private HavenClient(URI base, Optional<String> token) {
        this.base = base;
        this.token = token;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** A node's API, e.g. {@code http://127.0.0.1:7480} (the local API needs no token). */
    public static HavenClient connect(URI base) {
        return new HavenClient(base, Optional.empty());
    }

    /** A node's exposed API ({@code https://node:7443}) with an API token; sending and barriers need an admin token. */
    public static HavenClient connect(URI base, String token) {
        return new HavenClient(base, Optional.of(token));
    }

    /** Sends to every node; returns the message's seq once the cluster has committed it. */
    public long send(String name, String value) {
        return sendTo(null, name, value);
    }

    /** Sends to one node; the others never see it. */
    public long send(String node, String name, String value) {
        return sendTo(node, name, value);
    }

    private long sendTo(String node, String name, String value) {
        String q = "?name=" + enc(name) + (node == null ? "" : "&to=" + enc(node));
        JsonNode r = call(request("/ha/messages" + q, CALL_TIMEOUT).POST(HttpRequest.BodyPublishers.ofString(value)), 200);
        return r.path("seq").asLong();
    }

    /**
     * The messages this node received after {@code afterSeq}, oldest first; -1 for every one the cluster still
     * holds. Throws a {@link HavenException} with status 410 if some after {@code afterSeq} are gone already.
     */
    public List<Message> read(long afterSeq) {
        JsonNode r = call(request(afterSeq < 0 ? "/ha/messages" : "/ha/messages?after=" + afterSeq, CALL_TIMEOUT).GET(), 200);
        List<Message> out = new ArrayList<>();
        for (JsonNode m : r.path("messages")) out.add(message(m));
        return out;
    }

    /**
     * Delivers every message after {@code afterSeq} (use the last seq you handled), then new ones as they
     * are committed, on a thread of its own, in seq order. When the connection breaks it reconnects and
     * resumes after the last delivered seq, so nothing is skipped or repeated; if the cluster no longer
     * holds what was missed, {@link Listener#onError} gets a {@link HavenException} with status 410 and the
     * subscription ends. {@code afterSeq} of -1 means from now on.
     */
    public Subscription subscribe(long afterSeq, Listener listener) {
        return Subscription.start(this, afterSeq, listener);
    }

    /** What a subscription calls, on its own thread. */
    public interface Listener {
        void onMessage(Message m);

        /** The connection broke (it will reconnect), or the subscription ended (status 410). Default: ignore. */
        default void onError(HavenException e) {}
    }

    /** Waits at barrier {@code name} until {@code expected} participants have arrived; see {@link #barrier(String, String, List, Duration)}. */
    public BarrierResult barrier(String name, String participant, int expected, Duration timeout) {
        return arrive(name, participant, String.valueOf(expected), timeout);
    }

    /**
     * Waits at barrier {@code name} until every participant in {@code expected} has arrived, and returns then
     * (all callers, on all nodes, are released by the same committed arrival). Throws
     * {@link BarrierTimeoutException} naming the missing participants when the timeout runs out first.
     */
    public BarrierResult barrier(String name, String participant, List<String> expected, Duration timeout) {
        return arrive(name, participant, String.join(",", expected), timeout);
    }

    private BarrierResult arrive(String name, String participant, String expected, Duration timeout) {
        String q = "/ha/barriers/" + enc(name) + "?participant=" + enc(participant) + "&expected=" + enc(expected)
                + "&timeout=" + Math.max(1, timeout.toMillis()) + "ms";
        HttpResponse<String> r = exchange(request(q, timeout.plus(CALL_TIMEOUT)).POST(HttpRequest.BodyPublishers.noBody()));
        JsonNode body = parse(r);
        if (r.statusCode() == 504 && body.has("result")) {
            throw new BarrierTimeoutException(body.path("text").asText(), strings(body.path("missing")),
                    body.path("missing_count").asInt(), strings(body.path("arrived")));
        }
        if (r.statusCode() != 200) throw refused(r, body);
        return new BarrierResult(body.path("barrier").asText(), body.path("round").asLong(), strings(body.path("arrived")));
    }

    public QuorumInfo quorum() {
        JsonNode q = call(request("/ha/quorum", CALL_TIMEOUT).GET(), 200);
        return new QuorumInfo(q.path("quorate").asBoolean(), q.path("mode").asText(), q.path("expected_votes").asInt(),
                q.path("votes").asInt(), q.path("needed").asInt(), strings(q.path("members")));
    }

    HttpRequest.Builder request(String pathAndQuery, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(timeout)
                .header("Accept", "application/json");
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    HttpClient http() {
        return http;
    }

    private JsonNode call(HttpRequest.Builder b, int expected) {
        HttpResponse<String> r = exchange(b);
        JsonNode body = parse(r);
        if (r.statusCode() != expected) throw refused(r, body);
        return body;
    }

    private HttpResponse<String> exchange(HttpRequest.Builder b) {
        HttpRequest req = b.build();
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new HavenException("no answer from " + req.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HavenException("interrupted while calling " + req.uri(), e);
        }
    }

    private static JsonNode parse(HttpResponse<String> r) {
        try {
            return r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                    ? JSON.readTree(r.body()) : JSON.createObjectNode().put("text", r.body().strip());
        } catch (IOException e) {
            throw new HavenException(r.statusCode(), "unreadable answer from " + r.uri() + ": " + r.body());
        }
    }

    private static HavenException refused(HttpResponse<String> r, JsonNode body) {
        String text = body.has("text") ? body.path("text").asText() : body.toString();
        return new HavenException(r.statusCode(), r.request().method() + " " + r.uri().getPath() + ": " + r.statusCode() + " " + text);
    }

    static Message message(JsonNode m) {
        return new Message(m.path("seq").asLong(), m.path("from").asText(),
                m.path("to").isNull() || m.path("to").isMissingNode() ? Optional.empty() : Optional.of(m.path("to").asText()),
                m.path("name").asText(), m.path("value").asText(), m.path("at_epoch_ms").asLong());
    }

    static Message message(String json) throws IOException {
        return message(JSON.readTree(json));
    }

    static JsonNode tree(String json) throws IOException {
        return JSON.readTree(json);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode x : array) out.add(x.asText());
        return out;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public void close() {
        http.close();
    }
}
