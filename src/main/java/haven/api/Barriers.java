package haven.api;

import com.sun.net.httpserver.HttpExchange;
import haven.cib.AppChannel;
import haven.cib.Barrier;
import haven.cib.BarrierOutcome;
import haven.cib.Codec;
import haven.cib.Command;
import haven.core.Durations;
import haven.core.WallClock;
import haven.node.NodeStatus;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * /ha/barriers: named barriers across the cluster.
 *
 * <pre>
 * POST /ha/barriers/NAME?participant=P&amp;expected=3|a,b,c[&amp;timeout=30s]
 *      → 200 once every expected participant has arrived; 504 at the timeout, naming who was missing;
 *        409 if the call was refused (another expected, a participant arriving twice)
 * GET  /ha/barriers[/NAME]   → open barriers and recent outcomes, as JSON
 * </pre>
 * Arrivals and timeouts go through the cluster log, so the log decides, the same for every node, whether a
 * round completed or timed out: all its callers, on every node, get the same answer. A caller whose timeout
 * runs out commits a timeout for the round; if the last arrival was committed before it, the round completed.
 */
final class Barriers {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** How long past its own timeout a caller waits for its timeout to be committed and seen here. */
    private static final long SETTLE_NS = 5_000_000_000L;
    private static final SecureRandom TICKETS = new SecureRandom();
    private final Supplier<NodeStatus> status;
    private final StatusWatch watch;
    private final BiConsumer<NodeStatus, List<Command>> commit;
    /** Stamps arrivals and timeouts in the log; the waits themselves serve real callers on the monotonic clock. */
    private final WallClock clock;

    Barriers(Supplier<NodeStatus> status, StatusWatch watch, BiConsumer<NodeStatus, List<Command>> commit, WallClock clock) {
        this.status = status;
        this.watch = watch;
        this.commit = commit;
        this.clock = clock;
    }

    void serve(HttpExchange ex) throws IOException {
        List<String> path = ApiServer.segments(ex.getRequestURI().getPath());
        String method = ex.getRequestMethod();
        boolean get = method.equals("GET") || method.equals("HEAD");
        if (path.size() == 2 && method.equals("POST")) {
            arrive(ex, path.get(1), ApiServer.query(ex.getRequestURI().getRawQuery()));
        } else if (path.size() <= 2 && get) {
            read(ex, path);
        } else {
            throw new ApiError(path.size() <= 2 ? 405 : 404, method + " " + ex.getRequestURI().getPath() + " is not served:"
                    + " POST /ha/barriers/NAME?participant=P&expected=N|a,b,c&timeout=30s arrives; GET /ha/barriers[/NAME] reads");
        }
    }

    private void arrive(HttpExchange ex, String name, Map<String, String> query) throws IOException {
        long startNs = System.nanoTime();
        // The arrival is all in the query; a body (curl --data) is read now, because the server counts a request
        // whose body is unread as still arriving and closes it after HttpLimits.REQUEST_SECONDS, mid-wait.
        if (ex.getRequestBody().readNBytes(4097).length > 4096) {
            throw ApiError.badRequest("a barrier arrival takes no body: participant, expected and timeout go in the query");
        }
        NodeStatus s = status.get();
        String participant = required(query, "participant", name);
        String expectedText = required(query, "expected", name);
        List<String> expectedNames = List.of();
        int expectedCount;
        if (expectedText.matches("\\d+")) {
            expectedCount = Integer.parseInt(expectedText.length() > 6 ? "0" : expectedText);
        } else {
            expectedNames = Arrays.stream(expectedText.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
            expectedCount = expectedNames.size();
        }
        Duration timeout = timeout(query.get("timeout"));
        long ticket = TICKETS.nextLong();
        Command.BarrierArrive a = new Command.BarrierArrive(name, participant, expectedCount, expectedNames, timeout.toMillis(),
                s.self(), clock.epochMs(), ticket);
        AppChannel.problem(a).ifPresent(p -> {
            throw ApiError.badRequest(p);
        });
        commit.accept(s, List.of(a));
        Optional<NodeStatus> done = await(x -> x.state().app().outcome(ticket).isPresent(), startNs + timeout.toNanos());
        if (done.isEmpty()) {
            done = timeOut(s, a);
        }
        reply(ex, done.get().state().app().outcome(ticket).orElseThrow());
    }

    /** This caller's timeout ran out: commit it for the round it waits in, then wait for the round's outcome. */
    private Optional<NodeStatus> timeOut(NodeStatus before, Command.BarrierArrive a) {
        NodeStatus now = status.get();
        Optional<Barrier> waiting = now.state().app().waiting(a.ticket());
        if (waiting.isPresent()) {
            commit.accept(now, List.of(new Command.BarrierTimeout(a.barrier(), waiting.get().round(), a.participant(), now.self(),
                    clock.epochMs())));
        }
        Optional<NodeStatus> done = await(x -> x.state().app().outcome(a.ticket()).isPresent(), System.nanoTime() + SETTLE_NS);
        if (done.isEmpty()) {
            throw new ApiError(503, "barrier " + a.barrier() + ": the timeout ran out, but this node has not seen the round end"
                    + " (no outcome for this call" + (waiting.isEmpty() ? ", and it waits in no open round" : "")
                    + "); the cluster log may be stuck: check GET /ha/quorum and retry");
        }
        return done;
    }

    private Optional<NodeStatus> await(java.util.function.Predicate<NodeStatus> test, long deadlineNs) {
        try {
            return watch.await(test, deadlineNs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(503, "the daemon is stopping");
        }
    }

    private static void reply(HttpExchange ex, BarrierOutcome o) throws IOException {
        int code = switch (o.result()) {
            case COMPLETED -> 200;
            case TIMED_OUT -> 504;
            case REFUSED -> 409;
        };
        if (ApiServer.accepts(ex, "application/json")) {
            ApiServer.send(ex, code, "application/json", Codec.toJson(toMap(o)) + "\n");
        } else {
            ApiServer.send(ex, code, "text/plain", text(o) + "\n");
        }
    }

    static String text(BarrierOutcome o) {
        return switch (o.result()) {
            case COMPLETED -> "completed: barrier " + o.name() + " round " + o.round() + ": " + String.join(", ", o.arrived().keySet())
                    + " arrived";
            case TIMED_OUT -> "timed out: barrier " + o.name() + " round " + o.round() + ": missing "
                    + (o.missing().isEmpty() ? o.missingCount() + " participant(s)" : String.join(", ", o.missing()))
                    + " (arrived: " + String.join(", ", o.arrived().keySet()) + "); " + o.detail();
            case REFUSED -> "refused: barrier " + o.name() + ": " + o.detail();
        };
    }

    private void read(HttpExchange ex, List<String> path) throws IOException {
        AppChannel app = status.get().state().app();
        if (path.size() == 1) {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> open = new LinkedHashMap<>();
            app.open().forEach((n, b) -> open.put(n, toMap(b)));
            m.put("open", open);
            m.put("finished", app.outcomes().stream().map(Barriers::toMap).toList());
            ApiServer.send(ex, 200, "application/json", Codec.toJson(m) + "\n");
            return;
        }
        String name = path.get(1);
        Object found = Optional.ofNullable(app.open().get(name)).<Object>map(Barriers::toMap)
                .or(() -> lastOutcome(app, name).map(Barriers::toMap))
                .orElseThrow(() -> ApiError.notFound("no barrier '" + name + "' is open or recently finished; open: "
                        + app.open().keySet()));
        ApiServer.send(ex, 200, "application/json", Codec.toJson(found) + "\n");
    }

    private static Optional<BarrierOutcome> lastOutcome(AppChannel app, String name) {
        List<BarrierOutcome> mine = new ArrayList<>(app.outcomes().stream().filter(o -> o.name().equals(name)).toList());
        return mine.isEmpty() ? Optional.empty() : Optional.of(mine.get(mine.size() - 1));
    }

    private static Map<String, Object> toMap(Barrier b) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("barrier", b.name());
        m.put("round", b.round());
        m.put("state", "open");
        m.put("expected", b.expectedParticipants().isEmpty() ? b.expectedCount() : List.copyOf(b.expectedParticipants()));
        m.put("arrived", List.copyOf(b.arrived().keySet()));
        m.put("missing", List.copyOf(b.missing()));
        m.put("deadline_epoch_ms", b.deadlineEpochMs());
        return m;
    }

    static Map<String, Object> toMap(BarrierOutcome o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("barrier", o.name());
        m.put("round", o.round());
        m.put("result", o.result().name().toLowerCase(Locale.ROOT));
        m.put("arrived", List.copyOf(o.arrived().keySet()));
        m.put("missing", List.copyOf(o.missing()));
        m.put("missing_count", o.missingCount());
        m.put("at_epoch_ms", o.atEpochMs());
        m.put("detail", o.detail());
        m.put("text", text(o));
        return m;
    }

    private static String required(Map<String, String> query, String key, String name) {
        String v = query.get(key);
        if (v == null || v.isBlank()) {
            throw ApiError.badRequest("a barrier call needs " + key + "=: POST /ha/barriers/" + name
                    + "?participant=P&expected=N|a,b,c[&timeout=30s]");
        }
        return v.strip();
    }

    private static Duration timeout(String text) {
        if (text == null || text.isBlank()) return DEFAULT_TIMEOUT;
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("timeout: " + e.getMessage());
        }
    }
}
