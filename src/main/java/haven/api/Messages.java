package haven.api;

import com.sun.net.httpserver.HttpExchange;
import haven.cib.AppChannel;
import haven.cib.AppMessage;
import haven.cib.Codec;
import haven.cib.Command;
import haven.core.NodeId;
import haven.node.NodeStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * /ha/messages: {@code {name,value}} messages to every node or to one, in one cluster-wide order.
 *
 * <pre>
 * POST /ha/messages?name=N[&amp;to=NODE]   body: the value   → its seq, once committed
 * GET  /ha/messages[?after=SEQ]                         → the messages this node receives, as JSON
 * GET  /ha/messages/stream                              → the same as server-sent events, id = seq
 * </pre>
 * A seq means the same message on every node, so a stream client may resume (Last-Event-ID or
 * {@code ?after=}) on any node, not only the one it read from.
 */
final class Messages {
    static final int MAX_STREAMS = 64;
    static final long KEEPALIVE_MS = 10_000;
    private static final long SEEN_WITHIN_NS = 5_000_000_000L;
    private static final SecureRandom TICKETS = new SecureRandom();
    private final Supplier<NodeStatus> status;
    private final StatusWatch watch;
    private final BiConsumer<NodeStatus, List<Command>> commit;
    private final AtomicInteger streams = new AtomicInteger();

    Messages(Supplier<NodeStatus> status, StatusWatch watch, BiConsumer<NodeStatus, List<Command>> commit) {
        this.status = status;
        this.watch = watch;
        this.commit = commit;
    }

    void serve(HttpExchange ex) throws IOException {
        List<String> path = ApiServer.segments(ex.getRequestURI().getPath());
        Map<String, String> query = ApiServer.query(ex.getRequestURI().getRawQuery());
        String method = ex.getRequestMethod();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (path.equals(List.of("messages")) && method.equals("POST")) {
            send(ex, query);
        } else if (path.equals(List.of("messages")) && get) {
            list(ex, query);
        } else if (path.equals(List.of("messages", "stream")) && method.equals("GET")) {
            stream(ex, query);
        } else if (path.size() <= 2) {
            throw new ApiError(405, method + " " + ex.getRequestURI().getPath() + " is not served: POST /ha/messages?name=N[&to=NODE]"
                    + " with the value as the body sends; GET /ha/messages[?after=SEQ] or /ha/messages/stream reads");
        } else {
            throw ApiError.notFound("no such path " + ex.getRequestURI().getPath() + ": messages are /ha/messages and /ha/messages/stream");
        }
    }

    private void send(HttpExchange ex, Map<String, String> query) throws IOException {
        NodeStatus s = status.get();
        String name = query.get("name");
        if (name == null || name.isEmpty()) {
            throw ApiError.badRequest("a message needs a name: POST /ha/messages?name=N[&to=NODE] with the value as the body");
        }
        Optional<NodeId> to = Optional.ofNullable(query.get("to")).filter(x -> !x.isEmpty()).map(x -> Control.node(s.config(), x));
        long ticket = TICKETS.nextLong();
        Command.Send m = new Command.Send(s.self(), to, name, value(ex), System.currentTimeMillis(), ticket);
        AppChannel.problem(m).ifPresent(p -> {
            throw ApiError.badRequest(p);
        });
        commit.accept(s, List.of(m));
        Optional<NodeStatus> seen = await(x -> x.state().app().message(x.self(), ticket).isPresent()
                || x.state().app().oldestSeq() > s.state().app().lastSeq() + 1);
        Optional<AppMessage> sent = seen.flatMap(x -> x.state().app().message(x.self(), ticket));
        if (sent.isEmpty()) {
            throw new ApiError(500, "the message was committed, but this node did not show it within "
                    + SEEN_WITHIN_NS / 1_000_000_000 + " s (or over " + AppChannel.MESSAGES_KEPT + " newer ones pushed it out),"
                    + " so its seq is unknown here; read /ha/messages to find it, and do not send it again");
        }
        if (ApiServer.accepts(ex, "application/json")) {
            ApiServer.send(ex, 200, "application/json", Codec.toJson(toMap(sent.get())) + "\n");
        } else {
            ApiServer.send(ex, 200, "text/plain", sent.get().seq() + "\n");
        }
    }

    private static String value(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(AppChannel.VALUE_MAX_BYTES + 1);
            if (b.length > AppChannel.VALUE_MAX_BYTES) {
                throw ApiError.badRequest("message value over " + AppChannel.VALUE_MAX_BYTES + " bytes; send a reference"
                        + " (a path, a key) to larger data instead");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private Optional<NodeStatus> await(java.util.function.Predicate<NodeStatus> test) throws IOException {
        try {
            return watch.await(test, System.nanoTime() + SEEN_WITHIN_NS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the daemon is stopping");
        }
    }

    private void list(HttpExchange ex, Map<String, String> query) throws IOException {
        NodeStatus s = status.get();
        AppChannel app = s.state().app();
        long after = query.containsKey("after") ? checkedAfter(app, seqParam(query.get("after"), "after")) : 0;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("node", s.self().name());
        m.put("last_seq", app.lastSeq());
        m.put("oldest_seq", app.oldestSeq());
        m.put("messages", app.after(after, s.self()).stream().map(Messages::toMap).toList());
        ApiServer.send(ex, 200, "application/json", Codec.toJson(m) + "\n");
    }

    /** Refuses a cursor the ring no longer continues: a reader must not take a hole for silence. */
    private static long checkedAfter(AppChannel app, long after) {
        if (after + 1 < app.oldestSeq()) {
            throw new ApiError(410, "messages " + (after + 1) + ".." + (app.oldestSeq() - 1) + " are gone (the cluster keeps the"
                    + " last " + AppChannel.MESSAGES_KEPT + "); read from after=" + (app.oldestSeq() - 1) + " and treat the gap"
                    + " as lost, or read without after= for every message still held");
        }
        return after;
    }

    static long seqParam(String text, String what) {
        try {
            long v = Long.parseLong(text.strip());
            if (v >= 0) return v;
        } catch (NumberFormatException e) {
            // below
        }
        throw ApiError.badRequest(what + " '" + text + "' is not a message seq (a whole number, 0 or more, as the API gave it)");
    }

    private void stream(HttpExchange ex, Map<String, String> query) throws IOException {
        String last = ex.getRequestHeaders().getFirst("Last-Event-ID");
        if (last == null) last = query.get("after");
        AppChannel app = status.get().state().app();
        long cursor = last == null || last.isBlank() ? app.lastSeq() : checkedAfter(app, seqParam(last, "Last-Event-ID"));
        if (streams.incrementAndGet() > MAX_STREAMS) {
            streams.decrementAndGet();
            throw new ApiError(503, "already " + MAX_STREAMS + " message streams open on this node; close one, or follow another node");
        }
        try {
            follow(ex, cursor);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            streams.decrementAndGet();
        }
    }

    private void follow(HttpExchange ex, long cursor) throws IOException, InterruptedException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        NodeStatus s = status.get();
        write(out, ": haven messages for " + s.self() + ", from seq " + (cursor + 1) + " (this node has applied up to "
                + s.state().app().lastSeq() + ")\nretry: 1000\n\n");
        while (true) {
            long from = cursor;
            Optional<NodeStatus> next = watch.await(x -> x.state().app().lastSeq() > from,
                    System.nanoTime() + KEEPALIVE_MS * 1_000_000);
            if (next.isEmpty()) {
                write(out, ": keepalive\n\n");
                continue;
            }
            AppChannel app = next.get().state().app();
            if (cursor + 1 < app.oldestSeq()) {
                write(out, "event: overrun\ndata: " + Codec.json().writeValueAsString(Map.of("after", cursor, "oldest", app.oldestSeq(),
                        "text", "this client fell behind: messages " + (cursor + 1) + ".." + (app.oldestSeq() - 1)
                                + " are gone; reconnect with after=" + (app.oldestSeq() - 1) + " and treat them as lost"))
                        + "\n\n");
                return;
            }
            StringBuilder b = new StringBuilder();
            for (AppMessage m : app.after(cursor, next.get().self())) {
                b.append("id: ").append(m.seq()).append("\nevent: message\ndata: ")
                        .append(Codec.json().writeValueAsString(toMap(m))).append("\n\n");
            }
            if (!b.isEmpty()) write(out, b.toString());
            cursor = app.lastSeq();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static Map<String, Object> toMap(AppMessage m) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("seq", m.seq());
        x.put("from", m.from().name());
        x.put("to", m.to().map(NodeId::name).orElse(null));
        x.put("name", m.name());
        x.put("value", m.value());
        x.put("at_epoch_ms", m.atEpochMs());
        return x;
    }
}
