package haven.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Follows the local daemon's /ha/events stream on the terminal. When the connection drops it reconnects
 * with the id of the last event it printed, so nothing is skipped; if the daemon can no longer continue
 * from there (it restarted, or the events are gone from its ring) it says so and stops, since a silent
 * hole would be worse.
 */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Follow the cluster's events as this node sees them:"
        + " membership, quorum, coordinator, placements, resource states, operations, fencing, moves, standby and alert"
        + " calls. Resumes after a lost connection.")
public final class EventsCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The daemon sends a keepalive every 10 s; three missed ones mean the connection is dead. */
    static final Duration SILENCE_LIMIT = Duration.ofSeconds(30);

    @Option(names = "--replay", description = "start with every event the daemon still holds, not only new ones") boolean replay;
    @Option(names = "--json", description = "print each event as one line of JSON") boolean json;
    @Option(names = "--count", description = "stop after this many events (default: follow until interrupted)") Long count;
    @Option(names = "--reconnect-for", description = "how long to keep trying after the connection is lost (default: ${DEFAULT-VALUE})",
            defaultValue = "60s", converter = DurationConverter.class) Duration reconnectFor;
    @Mixin ApiOptions api;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private String lastId;
    private long printed;
    private boolean connected;
    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        long lostAt = 0;
        while (true) {
            String why;
            connected = false;
            try {
                Integer code = follow(out);
                if (code != null) return code;
                why = "the daemon closed the stream";
            } catch (java.net.ConnectException e) {
                why = "nothing listens on 127.0.0.1:" + api.port();
            } catch (IOException e) {
                why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            }
            // The time allowed to reconnect counts from the last moment a connection stood.
            if (lostAt == 0 || connected) lostAt = System.nanoTime();
            if (System.nanoTime() - lostAt > reconnectFor.toNanos()) {
                System.err.println("haven: no event stream from 127.0.0.1:" + api.port() + " for " + reconnectFor.toSeconds()
                        + " s (" + why + "); is the daemon running? Use --reconnect-for to wait longer");
                return 1;
            }
            System.err.println("haven: connection lost (" + why + "); reconnecting"
                    + (lastId == null ? "" : " from event " + lastId));
            Thread.sleep(1000);
        }
    }

    /** One connection: an exit code when done for good, null when it dropped and a reconnect may continue. */
    private Integer follow(PrintStream out) throws IOException, InterruptedException {
        String query = lastId == null && replay ? "?replay=all" : "";
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + "/ha/events" + query))
                .timeout(Duration.ofSeconds(10)).header("Accept", "text/event-stream").GET();
        if (lastId != null) b.header("Last-Event-ID", lastId);
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            String body = new String(r.body().readAllBytes(), StandardCharsets.UTF_8);
            System.err.print("haven: the daemon refused the event stream (" + r.statusCode() + "): " + body);
            return r.statusCode() == 410 ? 3 : 1;
        }
        connected = true;
        try (InputStream body = r.body(); Watchdog dog = new Watchdog(body)) {
            BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
            String id = null;
            String data = null;
            String line;
            while ((line = in.readLine()) != null) {
                dog.heard();
                if (line.startsWith("id: ")) id = line.substring(4);
                else if (line.startsWith("data: ")) data = line.substring(6);
                else if (line.isEmpty() && data != null) {
                    out.println(json ? data : render(JSON.readTree(data)));
                    out.flush();
                    if (id != null) lastId = id;
                    id = null;
                    data = null;
                    if (count != null && ++printed >= count) return 0;
                }
            }
        }
        return null;
    }

    static String render(JsonNode e) {
        String seq = e.has("seq") ? "#" + e.path("seq").asLong() : "!";
        String at = e.has("at") ? TIME.format(Instant.ofEpochMilli(e.path("at").asLong())) : "";
        return String.format("%-7s %s %-14s %s", seq, at, e.path("type").asText("overrun"), e.path("text").asText());
    }

    /** Closes the stream when nothing, not even a keepalive, arrived for {@link #SILENCE_LIMIT}. */
    private static final class Watchdog implements AutoCloseable {
        private volatile long lastNanos = System.nanoTime();
        private final Thread thread;

        Watchdog(InputStream body) {
            thread = Thread.ofVirtual().name("events-watchdog").start(() -> {
                try {
                    while (System.nanoTime() - lastNanos < SILENCE_LIMIT.toNanos()) {
                        Thread.sleep(1000);
                    }
                    body.close();
                } catch (InterruptedException | IOException e) {
                    // closed by the reader, or already closed: nothing left to watch
                }
            });
        }

        void heard() {
            lastNanos = System.nanoTime();
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    static final class DurationConverter implements picocli.CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return haven.core.Durations.parse(value);
        }
    }
}
