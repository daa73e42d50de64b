package haven.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A running {@link HavenClient#subscribe}: one thread that follows /ha/messages/stream, hands each message
 * to the listener, remembers the last seq, and after a broken connection reconnects with it as
 * Last-Event-ID. {@link #close} stops it.
 */
public final class Subscription implements AutoCloseable {
    private static final Duration RECONNECT_AFTER = Duration.ofSeconds(1);
    /** The server sends a keepalive every 10 s; this long without a line means the connection is dead. */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(30);
    private volatile long lastLineNanos;
    private final HavenClient client;
    private final HavenClient.Listener listener;
    private volatile long lastSeq;
    private volatile boolean closed;
    private volatile InputStream body;
    private final Thread thread;

    private Subscription(HavenClient client, long afterSeq, HavenClient.Listener listener) {
        this.client = client;
        this.listener = listener;
        this.lastSeq = afterSeq;
        this.thread = Thread.ofPlatform().daemon().name("haven-subscription").unstarted(this::run);
    }

    static Subscription start(HavenClient client, long afterSeq, HavenClient.Listener listener) {
        Subscription s = new Subscription(client, afterSeq, listener);
        s.thread.start();
        return s;
    }

    /** The seq of the last message delivered to the listener (or the start point): where a new subscription would resume. */
    public long lastSeq() {
        return lastSeq;
    }

    private void run() {
        while (!closed) {
            try {
                if (follow()) return;
            } catch (IOException e) {
                if (closed) return;
                listener.onError(new HavenException("message stream broke: " + e + "; reconnecting after seq " + lastSeq, e));
            } catch (HavenException e) {
                listener.onError(e);
                if (e.status() == 410) return;
            } catch (InterruptedException e) {
                return;
            }
            try {
                Thread.sleep(RECONNECT_AFTER);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Follows one connection; true if the subscription must end (the stream cannot go on without loss). */
    private boolean follow() throws IOException, InterruptedException {
        HttpRequest.Builder b = client.request("/ha/messages/stream", Duration.ofDays(365)).header("Accept", "text/event-stream");
        if (lastSeq >= 0) b.header("Last-Event-ID", String.valueOf(lastSeq));
        HttpResponse<InputStream> r = client.http().send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        body = r.body();
        if (closed) return true;
        if (r.statusCode() != 200) {
            String text;
            try (InputStream in = r.body()) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            throw new HavenException(r.statusCode(), "message stream refused: " + r.statusCode() + " " + text);
        }
        lastLineNanos = System.nanoTime();
        Thread watchdog = Thread.ofVirtual().name("haven-subscription-watchdog").start(() -> closeWhenSilent(r.body()));
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String event = "message";
            StringBuilder data = new StringBuilder();
            for (String line = in.readLine(); line != null && !closed; line = in.readLine()) {
                lastLineNanos = System.nanoTime();
                if (line.isEmpty()) {
                    if (!data.isEmpty() && dispatch(event, data.toString())) return true;
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith(": haven messages") && lastSeq < 0) {
                    // "From now on": pin "now" to the seq the server started at, so a reconnect loses nothing.
                    int at = line.indexOf("from seq ");
                    if (at >= 0) lastSeq = Long.parseLong(line.substring(at + 9).split("\\D", 2)[0]) - 1;
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
        } finally {
            watchdog.interrupt();
        }
        return closed;
    }

    /** A connection that went silent (a peer that vanished without closing it) is closed, so the loop reconnects. */
    private void closeWhenSilent(InputStream stream) {
        try {
            while (System.nanoTime() - lastLineNanos < SILENCE_LIMIT.toNanos()) {
                Thread.sleep(Duration.ofSeconds(1));
            }
            stream.close();
        } catch (InterruptedException | IOException e) {
            // the connection ended first
        }
    }

    /** One complete event; true if it ends the subscription. */
    private boolean dispatch(String event, String data) throws IOException {
        if (event.equals("overrun")) {
            JsonNode o = HavenClient.tree(data);
            listener.onError(new HavenException(410, o.path("text").asText()));
            return true;
        }
        Message m = HavenClient.message(data);
        if (m.seq() <= lastSeq) return false; // already delivered before a reconnect
        listener.onMessage(m);
        lastSeq = m.seq();
        return false;
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = body;
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        thread.interrupt();
    }
}
