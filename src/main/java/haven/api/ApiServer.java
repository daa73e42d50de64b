package haven.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import haven.cib.Codec;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.core.WallClock;
import haven.events.EventRecorder;
import haven.membership.ClusterLog;
import haven.node.NodeStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The daemon's HTTP API on 127.0.0.1 and, when the config's {@code api:} section asks for it, the same API
 * for other machines over HTTPS with tokens ({@link Access}): the /ha tree (read any path; write the few control leaves), the event
 * stream at /ha/events, /metrics and the web dashboard at / ({@link Dashboard}). Reads come from the latest published status snapshot; writes become
 * commands in the cluster log and return once committed, or say why not.
 *
 * <p>Who may do what: {@link Guard}. Threads: one virtual thread per exchange, so event streams that stay open
 * for hours cost no platform thread; their number is capped by {@link EventStream#MAX_CLIENTS}, and
 * connections and the time to send a request by {@link HttpLimits} and {@link ConnectionFront}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_BODY_BYTES = 4096;
    private final ClusterConfig config;
    private final Supplier<NodeStatus> status;
    private final ClusterLog log;
    private final EventRecorder events;
    private HttpServer server;
    private HttpServer exposed;
    private ConnectionFront front;
    private ExecutorService threads;
    private EventStream stream;
    private final StatusWatch watch;
    private final Messages messages;
    private final Barriers barriers;
    private LogQuery timeline;
    private ConfigResource configResource;
    private java.util.function.Function<haven.core.ResourceId, Map<String, String>> replication = r -> Map.of();

    public ApiServer(ClusterConfig config, Supplier<NodeStatus> status, ClusterLog log, EventRecorder events) {
        this.config = config;
        this.status = status;
        this.log = log;
        this.events = events;
        this.watch = new StatusWatch(status);
        this.messages = new Messages(status, watch, this::commit);
        this.barriers = new Barriers(status, watch, this::commit, WallClock.SYSTEM);
    }

    /** The daemon published a new status snapshot: wakes requests that wait for one (messages, barriers). */
    public void published() {
        watch.published();
    }

    /** Serves this node's timeline at /ha/log (call before {@link #start}). */
    public ApiServer withTimeline(haven.timeline.Timeline t) {
        this.timeline = new LogQuery(config, t);
        return this;
    }

    /**
     * Adds each resource's replicated data as this node knows it (replicated-dir: role, in-sync set, lag) at
     * /ha/resources/R/replication; call before {@link #start}.
     */
    public ApiServer withReplication(java.util.function.Function<haven.core.ResourceId, Map<String, String>> replication) {
        this.replication = replication;
        return this;
    }

    /** Serves /ha/config (reads and version-guarded changes); without it that path is not found. */
    public ApiServer withConfig(ConfigResource resource) {
        this.configResource = resource;
        return this;
    }

    public void start() throws IOException {
        HttpLimits.apply();
        threads = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("haven-api-", 0).factory());
        stream = new EventStream(events, status.get().self().name());
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", config.apiPort()), 64);
        serve(server, Guard.local(new LocalAccess(status.get().self().name(), config.api().localGroup())));
        var outside = config.api().exposed();
        if (outside.isPresent()) {
            // Behind a front that bounds connections per client address: the JDK's server only bounds them in all.
            HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            https.setHttpsConfigurator(new HttpsConfigurator(Tls.context(outside.get().tls())));
            exposed = https;
            serve(exposed, Guard.tokens(outside.get().tokens()));
            front = ConnectionFront.open(new InetSocketAddress(outside.get().listen(), outside.get().port()),
                    https.getAddress(), HttpLimits.EXPOSED);
        }
    }

    /** The same contexts on each listener, each behind its listener's guard. */
    private void serve(HttpServer s, Guard g) {
        s.setExecutor(threads);
        s.createContext("/ha", g.around(this::handle));
        s.createContext("/ha/events", g.around(stream::serve));
        s.createContext("/ha/messages", g.around(messages::serve));
        s.createContext("/ha/barriers", g.around(barriers::serve));
        if (timeline != null) s.createContext("/ha/log", g.around(timeline::serve));
        s.createContext("/metrics", g.around(this::metrics));
        if (configResource != null) s.createContext("/ha/config", g.around(configResource::serve));
        // The page holds no data; what it shows it reads from /ha with the user's token, like any client.
        s.createContext("/", Dashboard::serve);
        s.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        List<String> path = segments(ex.getRequestURI().getPath());
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        NodeStatus s = status.get();
        if (method.equals("GET") || method.equals("HEAD")) {
            read(ex, s, path);
        } else if (method.equals("POST") || method.equals("PUT") || method.equals("DELETE")) {
            write(ex, s, Control.of(s, method, path, query, body(ex)));
        } else {
            throw new ApiError(405, "method " + method + " not allowed: read with GET; " + Control.USAGE);
        }
    }

    private void read(HttpExchange ex, NodeStatus s, List<String> path) throws IOException {
        boolean json = accepts(ex, "application/json");
        if (path.equals(List.of("status"))) {
            // The first API's one document, which the lab and `haven status` read.
            send(ex, 200, "application/json", Codec.toJson(HaTree.withReplication(s.toMap(), replication)));
            return;
        }
        if (path.equals(List.of("plan"))) {
            haven.scheduler.WhatIf.Outcome o = WhatIfQuery.play(s, ex.getRequestURI().getRawQuery());
            if (json) send(ex, 200, "application/json", Codec.toJson(o.toMap()));
            else send(ex, 200, "text/plain", o.text());
            return;
        }
        Map<String, Object> tree = HaTree.of(s);
        HaTree.addReplication(tree, s, replication);
        TreeView.Reply r = TreeView.render(TreeView.lookup(tree, aliasGroups(tree, path)), json);
        send(ex, 200, r.contentType(), r.body());
    }

    /** /ha/resources/G/... for a group G reads /ha/groups/G/...: the CLI names groups and resources alike. */
    @SuppressWarnings("unchecked")
    private static List<String> aliasGroups(Map<String, Object> tree, List<String> path) {
        if (path.size() >= 2 && path.get(0).equals("resources")
                && !((Map<String, Object>) tree.get("resources")).containsKey(path.get(1))
                && ((Map<String, Object>) tree.get("groups")).containsKey(path.get(1))) {
            List<String> p = new ArrayList<>(path);
            p.set(0, "groups");
            return p;
        }
        return path;
    }

    private void write(HttpExchange ex, NodeStatus s, Control.Action action) throws IOException {
        commit(s, Requests.stamped(s.self(), ex.getRequestMethod() + " " + ex.getRequestURI().getPath(), action.commands()));
        send(ex, 200, "text/plain", action.done() + "\n");
    }

    /** Commits {@code commands} through the cluster log, or says why not (no quorum here, no coordinator). */
    private void commit(NodeStatus s, List<Command> commands) {
        if (!s.quorate()) {
            throw new ApiError(503, s.self() + " has no quorum now (members " + s.members() + " of " + config.nodeIds()
                    + "), so it cannot change the cluster; send the request to a node of the majority partition");
        }
        try {
            log.propose(commands, WRITE_TIMEOUT).get(WRITE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new ApiError(503, "not committed (" + e.getMessage() + "): there may be no coordinator right now"
                    + " (coordinator: " + s.coordinator().map(Object::toString).orElse("none") + "); retry in a few seconds,"
                    + " or on another node");
        }
    }

    private void metrics(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
            throw new ApiError(405, "/metrics is read-only: use GET");
        }
        boolean openMetrics = accepts(ex, "application/openmetrics-text");
        send(ex, 200, Metrics.contentType(openMetrics), Metrics.render(status.get(), events, openMetrics, replication));
    }

    static boolean accepts(HttpExchange ex, String type) {
        String accept = ex.getRequestHeaders().getFirst("Accept");
        return accept != null && accept.contains(type);
    }

    static List<String> segments(String path) {
        List<String> s = new ArrayList<>(Arrays.asList(path.split("/")));
        s.removeIf(String::isEmpty);
        if (!s.isEmpty() && s.get(0).equals("ha")) s.remove(0);
        return s;
    }

    private static String body(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
            if (b.length > MAX_BODY_BYTES) {
                throw ApiError.badRequest("request body over " + MAX_BODY_BYTES + " bytes: a control write takes one word");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) return m;
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            if (i > 0) m.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type.contains("charset") ? type : type + "; charset=utf-8");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : b.length);
        if (!head) ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        // Stopping the server closes every connection; interrupting the threads ends event streams that wait.
        if (front != null) front.close();
        if (exposed != null) exposed.stop(0);
        if (server != null) server.stop(0);
        if (threads != null) threads.shutdownNow();
    }
}
