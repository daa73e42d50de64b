package haven.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one node says about the cluster (its /ha/status), reduced to what the lab checks: membership, quorum,
 * and where each group runs. Unknown fields are ignored so the daemon's API can grow.
 */
public record HaStatus(String node, String coordinator, boolean quorate, List<String> members, List<Group> groups,
        int failures, long version, String raw) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Group(String name, String node, long generation, boolean started) {}

    /** Fetches and parses a node's status from inside its namespace; empty if it does not answer. */
    public static Optional<HaStatus> fetch(String ns, Duration timeout) {
        return Http.get(ns, "http://127.0.0.1:7480/ha/status", timeout).filter(Http.Reply::ok)
                .flatMap(r -> parse(r.body()));
    }

    static Optional<HaStatus> parse(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            List<String> members = new ArrayList<>();
            n.path("members").forEach(m -> members.add(m.asText()));
            List<Group> groups = new ArrayList<>();
            n.path("groups").forEach(g -> groups.add(new Group(g.path("name").asText(),
                    g.path("node").isNull() ? "" : g.path("node").asText(""), g.path("generation").asLong(),
                    g.path("started").asBoolean())));
            return Optional.of(new HaStatus(n.path("node").asText(""),
                    n.path("coordinator").isNull() ? "" : n.path("coordinator").asText(""),
                    n.path("quorate").asBoolean(), List.copyOf(members), List.copyOf(groups),
                    n.path("failures").size(), n.path("version").asLong(-1), json));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    public Optional<Group> group(String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst();
    }

    /** One line for humans: "coordinator n2, quorate, members n1,n2,n3; web on n1 (started, gen 3)". */
    public String summary() {
        StringBuilder s = new StringBuilder();
        s.append("coordinator ").append(coordinator.isEmpty() ? "-" : coordinator)
                .append(quorate ? ", quorate" : ", NOT quorate")
                .append(", members ").append(String.join(",", members));
        for (Group g : groups) {
            s.append("; ").append(g.name()).append(" on ").append(g.node().isEmpty() ? "-" : g.node())
                    .append(" (").append(g.started() ? "started" : "not started").append(", gen ")
                    .append(g.generation()).append(')');
        }
        if (version >= 0) {
            s.append("; state version ").append(version);
        }
        if (failures > 0) {
            s.append("; ").append(failures).append(" failure(s)");
        }
        return s.toString();
    }
}
