package haven.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import haven.cib.Codec;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.config.GroupConfig;
import haven.core.GroupId;
import haven.core.Names;
import haven.core.NodeId;
import haven.core.ResourceId;
import haven.membership.ClusterLog;
import haven.node.NodeStatus;
import haven.scheduler.Explanation;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The /ha tree over HTTP, on 127.0.0.1 only (the CLI is its client). Reads come from the latest published
 * status; writes become commands in the cluster log and return once committed (or say why not).
 */
public final class ApiServer implements AutoCloseable {
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);
    private final ClusterConfig config;
    private final Supplier<NodeStatus> status;
    private final ClusterLog log;
    private HttpServer server;

    public ApiServer(ClusterConfig config, Supplier<NodeStatus> status, ClusterLog log) {
        this.config = config;
        this.status = status;
        this.log = log;
    }

    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", config.apiPort()), 16);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "haven-api");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/ha", this::handle);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String[] path = ex.getRequestURI().getPath().replaceAll("/+$", "").split("/");
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            boolean post = ex.getRequestMethod().equals("POST");
            // path[0] = "", path[1] = "ha"
            if (path.length == 3 && path[2].equals("status") && !post) {
                send(ex, 200, "application/json", Codec.toJson(status.get().toMap()));
            } else if (path.length == 5 && path[2].equals("resources") && path[4].equals("why") && !post) {
                send(ex, 200, "text/plain", why(groupOf(path[3])));
            } else if (path.length == 5 && path[2].equals("resources") && post) {
                GroupConfig g = groupOf(path[3]);
                Optional<NodeId> node = Optional.ofNullable(query.get("node")).map(this::node);
                List<Command> commands = switch (path[4]) {
                    case "move" -> List.of(new Command.Move(g.id(),
                            Optional.of(node.orElseThrow(() -> new BadRequest("move needs ?node=NODE")))));
                    case "clear" -> List.of(new Command.Move(g.id(), Optional.empty()));
                    case "cleanup" -> cleanup(path[3], g, node);
                    default -> throw new BadRequest("unknown action '" + path[4] + "': use move, clear or cleanup");
                };
                write(ex, commands);
            } else if (path.length == 5 && path[2].equals("nodes") && post) {
                NodeId n = node(path[3]);
                boolean standby = switch (path[4]) {
                    case "standby" -> true;
                    case "online" -> false;
                    default -> throw new BadRequest("unknown action '" + path[4] + "': use standby or online");
                };
                write(ex, List.of(new Command.SetStandby(n, standby)));
            } else {
                throw new NotFound("no such path " + ex.getRequestURI().getPath()
                        + ": try GET /ha/status, GET /ha/resources/R/why, POST /ha/resources/R/move?node=N|clear|cleanup,"
                        + " POST /ha/nodes/N/standby|online");
            }
        } catch (BadRequest e) {
            send(ex, 400, "text/plain", e.getMessage() + "\n");
        } catch (NotFound e) {
            send(ex, 404, "text/plain", e.getMessage() + "\n");
        } catch (RuntimeException e) {
            send(ex, 500, "text/plain", "internal error: " + e + "\n");
        }
    }

    private List<Command> cleanup(String name, GroupConfig g, Optional<NodeId> node) {
        List<ResourceId> targets = config.resources().stream().anyMatch(r -> r.id().name().equals(name))
                ? List.of(ResourceId.of(name)) : g.members();
        return targets.stream().map(r -> (Command) new Command.Cleanup(r, node)).toList();
    }

    private void write(HttpExchange ex, List<Command> commands) throws IOException {
        try {
            log.propose(commands, WRITE_TIMEOUT).get(WRITE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
            send(ex, 200, "text/plain", "ok\n");
        } catch (Exception e) {
            send(ex, 503, "text/plain", "not committed (" + e.getMessage()
                    + "): this node may be outside a quorate partition, or there is no coordinator yet; retry or run on another node\n");
        }
    }

    private String why(GroupConfig g) {
        NodeStatus s = status.get();
        Explanation e = s.explanations().get(g.id());
        StringBuilder b = new StringBuilder();
        b.append("group ").append(g.id()).append(" [").append(String.join(", ", g.members().stream().map(ResourceId::name).toList()))
                .append("]\n");
        b.append("  placed on: ").append(s.state().group(g.id()).assigned().map(NodeId::name).orElse("(nowhere)"))
                .append(" (generation ").append(s.state().group(g.id()).generation()).append(")\n");
        b.append("  decision:  ").append(e == null ? "(not planned yet)" : e.decision()).append('\n');
        if (e != null) {
            for (String r : e.nodeReasons()) b.append("    ").append(r).append('\n');
        }
        return b.toString();
    }

    private GroupConfig groupOf(String name) {
        if (!Names.isValid(name)) throw new BadRequest("'" + name + "' is not a valid resource or group name");
        Optional<GroupConfig> g = config.group(GroupId.of(name));
        if (g.isPresent()) return g.get();
        return config.resource(ResourceId.of(name)).map(r -> config.groupOf(r.id()))
                .orElseThrow(() -> new NotFound("no resource or group named '" + name + "'; known: "
                        + config.groups().stream().map(x -> x.id().name()).toList()));
    }

    private NodeId node(String name) {
        if (!Names.isValid(name) || config.node(NodeId.of(name)).isEmpty()) {
            throw new NotFound("no node named '" + name + "'; known: " + config.nodeIds());
        }
        return NodeId.of(name);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new LinkedHashMap<>();
        if (raw == null) return m;
        for (String kv : raw.split("&")) {
            int i = kv.indexOf('=');
            if (i > 0) m.put(URLDecoder.decode(kv.substring(0, i), StandardCharsets.UTF_8),
                    URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
        }
        return m;
    }

    private static void send(HttpExchange ex, int code, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    private static final class BadRequest extends RuntimeException {
        BadRequest(String m) {
            super(m);
        }
    }

    private static final class NotFound extends RuntimeException {
        NotFound(String m) {
            super(m);
        }
    }

    @Override
    public void close() {
        if (server != null) server.stop(0);
    }
}
