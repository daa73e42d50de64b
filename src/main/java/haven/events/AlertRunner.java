package haven.events;

import haven.config.AlertHook;
import haven.core.EventTypes;
import haven.core.WallClock;
import haven.process.ProcessRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the alert hooks: one thread follows the event ring like any client of /ha/events and, for each
 * event, runs every hook that wants it, one call at a time, in event order, each with its timeout (a script
 * that hangs is killed with its process group, and the next call goes on). Each call is recorded as an
 * {@code alert} event on the same stream, so a client sees when and how every script ran; hooks never see
 * those records. If the ring overtakes the runner (scripts slower than the cluster's changes), the gap is
 * recorded as an alert event too and the runner continues from the oldest event held.
 *
 * <p>The event is given to the script in its environment: HAVEN_EVENT_SEQ, _TYPE, _TEXT, _AT (epoch ms),
 * _STREAM, _JSON (the whole event), HAVEN_NODE (the node that saw it), and each field as
 * HAVEN_EVENT_FIELD (upper case; lists joined by spaces).
 */
public final class AlertRunner implements AutoCloseable {
    private static final long POLL_MS = 1_000;
    private final List<AlertHook> hooks;
    private final EventRecorder events;
    private final String observer;
    private final ProcessRunner runner;
    private final WallClock clock;
    private final Consumer<String> log;
    private volatile boolean running = true;
    private Thread thread;

    public AlertRunner(List<AlertHook> hooks, EventRecorder events, String observer, ProcessRunner runner, WallClock clock,
            Consumer<String> log) {
        this.hooks = List.copyOf(hooks);
        this.events = events;
        this.observer = observer;
        this.runner = runner;
        this.clock = clock;
        this.log = log;
    }

    /** Starts following the stream from its first event still held (the daemon's start, normally). */
    public void start() {
        if (hooks.isEmpty()) return;
        long from = events.ring().oldest() - 1;
        thread = Thread.ofPlatform().name("haven-alerts").daemon().start(() -> follow(from));
    }

    private void follow(long cursor) {
        EventRing ring = events.ring();
        try {
            while (running) {
                switch (ring.after(cursor, 64)) {
                    case EventRing.Read.Gap gap -> {
                        record(Map.of("missed_from", gap.after() + 1, "missed_to", gap.oldest() - 1),
                                "alerts fell behind: events " + (gap.after() + 1) + ".." + (gap.oldest() - 1)
                                        + " were dropped from the ring before their hooks ran");
                        cursor = gap.oldest() - 1;
                    }
                    case EventRing.Read.Events got -> {
                        for (ClusterEvent e : got.events()) {
                            if (!running) return;
                            if (!e.type().equals(EventTypes.ALERT)) runHooks(e);
                            cursor = e.seq();
                        }
                        if (got.events().isEmpty()) ring.awaitAfter(cursor, POLL_MS);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // Stopping interrupts a running script (its group is killed); anything else is a bug worth a line.
            if (running) log.accept("alert hooks stopped by a bug: " + e);
        }
    }

    private void runHooks(ClusterEvent e) {
        for (AlertHook h : hooks) {
            if (!running || !h.wants(e.type())) continue;
            ProcessRunner.Result r = runner.run(List.of(h.script().toString()), environment(e), h.timeout());
            String outcome = r.timedOut() ? "timed out" : "exit " + r.exitCode();
            String text = "alert " + h.name() + " for event " + e.seq() + " (" + e.type() + "): " + outcome + " in "
                    + r.elapsed().toMillis() + " ms";
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("alert", h.name());
            f.put("event", e.seq());
            f.put("outcome", outcome);
            f.put("duration_ms", r.elapsed().toMillis());
            f.put("output", r.output().strip());
            record(f, text);
            if (!r.ok()) log.accept(r.describe());
        }
    }

    private void record(Map<String, Object> fields, String text) {
        events.ring().append(List.of(new Change(EventTypes.ALERT, fields, text)), clock.epochMs());
    }

    Map<String, String> environment(ClusterEvent e) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HAVEN_NODE", observer);
        env.put("HAVEN_EVENT_SEQ", String.valueOf(e.seq()));
        env.put("HAVEN_EVENT_TYPE", e.type());
        env.put("HAVEN_EVENT_TEXT", e.text());
        env.put("HAVEN_EVENT_AT", String.valueOf(e.atEpochMs()));
        env.put("HAVEN_EVENT_STREAM", events.stream());
        env.put("HAVEN_EVENT_JSON", EventJson.of(e.toMap(observer)));
        e.fields().forEach((k, v) -> env.putIfAbsent("HAVEN_EVENT_" + k.toUpperCase(Locale.ROOT),
                v instanceof List<?> l ? String.join(" ", l.stream().map(String::valueOf).toList()) : v == null ? "" : String.valueOf(v)));
        return env;
    }

    @Override
    public void close() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
