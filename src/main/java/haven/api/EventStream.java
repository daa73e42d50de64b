package haven.api;

import com.sun.net.httpserver.HttpExchange;
import haven.events.ClusterEvent;
import haven.events.EventRecorder;
import haven.events.EventRing;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * GET /ha/events: this node's event stream as server-sent events. Each event's {@code id:} is
 * {@code STREAM:SEQ}; a client that reconnects with that id in {@code Last-Event-ID} (or
 * {@code ?last_event_id=}) gets every event after it, or a 410 saying what it missed and what to do. Without
 * one it gets the events from now on ({@code ?replay=all}: from the oldest the ring still holds).
 *
 * <p>A reader slower than the cluster's changes, which the ring overtakes, gets an {@code overrun} event
 * and the end of the stream: better a clear break than a silent hole. A comment line every
 * {@link #KEEPALIVE_MS} lets both ends notice a dead connection.
 */
final class EventStream {
    static final int MAX_CLIENTS = 64;
    static final long KEEPALIVE_MS = 10_000;
    private static final int BATCH = 256;
    private final EventRecorder events;
    private final String observer;
    private final AtomicInteger clients = new AtomicInteger();

    EventStream(EventRecorder events, String observer) {
        this.events = events;
        this.observer = observer;
    }

    void serve(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            throw new ApiError(405, "/ha/events is read-only: GET it (curl -N) to follow the cluster's events");
        }
        if (!ApiServer.segments(ex.getRequestURI().getPath()).equals(java.util.List.of("events"))) {
            throw ApiError.notFound("no such path " + ex.getRequestURI().getPath() + ": the event stream is /ha/events");
        }
        Map<String, String> query = ApiServer.query(ex.getRequestURI().getRawQuery());
        String lastId = ex.getRequestHeaders().getFirst("Last-Event-ID");
        if (lastId == null) lastId = query.get("last_event_id");
        long cursor = start(lastId, "all".equals(query.get("replay")));
        if (clients.incrementAndGet() > MAX_CLIENTS) {
            clients.decrementAndGet();
            throw new ApiError(503, "already " + MAX_CLIENTS + " event streams open on this node; close one, or follow"
                    + " another node's stream");
        }
        try {
            follow(ex, cursor);
        } finally {
            clients.decrementAndGet();
        }
    }

    /** The seq after which to send, from the client's last id; refuses ids this stream cannot continue. */
    long start(String lastId, boolean replayAll) {
        EventRing ring = events.ring();
        if (lastId == null || lastId.isBlank()) {
            return replayAll ? ring.oldest() - 1 : ring.last();
        }
        int colon = lastId.lastIndexOf(':');
        String stream = colon < 0 ? "" : lastId.substring(0, colon);
        long seq;
        try {
            seq = Long.parseLong(lastId.substring(colon + 1).strip());
        } catch (NumberFormatException e) {
            throw ApiError.badRequest("Last-Event-ID '" + lastId + "' is not STREAM:SEQ as this API sends it; reconnect"
                    + " without it to follow from now");
        }
        if (!stream.equals(events.stream()) || seq > ring.last() || seq < 0) {
            throw new ApiError(410, "Last-Event-ID '" + lastId + "' is not from this stream (" + events.stream() + ", now at "
                    + ring.last() + "): the daemon restarted, or this is another node. Events in between cannot be"
                    + " replayed; read /ha for the current state and reconnect without Last-Event-ID");
        }
        if (seq + 1 < ring.oldest()) {
            throw new ApiError(410, "events " + (seq + 1) + ".." + (ring.oldest() - 1) + " of stream " + events.stream()
                    + " are gone (this node keeps the last " + ring.capacity() + "); read /ha for the current state and"
                    + " reconnect without Last-Event-ID");
        }
        return seq;
    }

    private void follow(HttpExchange ex, long cursor) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        EventRing ring = events.ring();
        write(out, ": haven events of " + observer + ", stream " + events.stream() + ", from seq " + (cursor + 1)
                + "\nretry: 1000\n\n");
        try {
            while (!ring.closed()) {
                switch (ring.after(cursor, BATCH)) {
                    case EventRing.Read.Gap gap -> {
                        write(out, "event: overrun\ndata: " + json(Map.of("after", gap.after(), "oldest", gap.oldest(),
                                "text", "this client fell behind: events " + (gap.after() + 1) + ".." + (gap.oldest() - 1)
                                        + " are gone; read /ha and reconnect without Last-Event-ID")) + "\n\n");
                        return;
                    }
                    case EventRing.Read.Events got -> {
                        for (ClusterEvent e : got.events()) {
                            write(out, "id: " + events.stream() + ":" + e.seq() + "\nevent: " + e.type() + "\ndata: "
                                    + json(e.toMap(observer)) + "\n\n");
                            cursor = e.seq();
                        }
                        if (got.events().isEmpty() && !ring.awaitAfter(cursor, KEEPALIVE_MS)) {
                            write(out, ": keepalive\n\n");
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String json(Object value) {
        return haven.events.EventJson.of(value);
    }
}
