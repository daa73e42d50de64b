package haven.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", description = "Show the cluster at a glance: nodes, quorum, coordinator, where each resource runs, recent failures.")
public final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    @Option(names = "--json", description = "print the /ha/status document as JSON") boolean json;
    @Mixin ApiOptions api;

    @Override
    public Integer call() throws Exception {
        ApiClient.Reply r = api.client().get("/ha/status");
        if (r.code() != 200 || json) {
            return ApiOptions.report(r);
        }
        System.out.print(render(new ObjectMapper().readTree(r.body())));
        return 0;
    }

    static String render(JsonNode s) {
        StringBuilder b = new StringBuilder();
        b.append("cluster ").append(s.path("cluster").asText()).append(" (as seen from ").append(s.path("node").asText())
                .append(")\n");
        b.append("  quorum:      ").append(s.path("quorate").asBoolean() ? "yes" : "NO — this node runs nothing").append('\n');
        b.append("  coordinator: ").append(s.path("coordinator").isNull() ? "(none)" : s.path("coordinator").asText()).append('\n');
        if (s.path("maintenance").path("on").asBoolean()) {
            b.append("  MAINTENANCE: on (").append(s.path("maintenance").path("reason").asText())
                    .append("): nothing is started, stopped or recovered; `haven maintenance off` ends it\n");
        }
        List<String> nodes = new ArrayList<>();
        for (JsonNode n : s.path("nodes")) {
            nodes.add(n.path("name").asText() + (n.path("online").asBoolean() ? " online" : " OFFLINE")
                    + (n.path("standby").asBoolean() ? " (standby)" : "")
                    + (n.path("role").asText("node").equals("witness") ? " (witness)" : "")
                    + (s.path("ping_reachable").has(n.path("name").asText())
                            ? " (reaches " + s.path("ping_reachable").path(n.path("name").asText()).asInt() + " ping nodes)" : ""));
        }
        b.append("  nodes:       ").append(String.join(", ", nodes)).append('\n');
        b.append('\n');
        for (JsonNode g : s.path("groups")) {
            b.append("group ").append(g.path("name").asText()).append(": ");
            boolean promotable = g.has("instances");
            b.append(g.path("node").isNull() ? (promotable ? "no primary" : "not placed") : (promotable ? "primary on " : "on ") + g.path("node").asText());
            if (promotable) {
                List<String> replicas = new java.util.ArrayList<>();
                g.path("instances").forEach(n -> {
                    if (!n.asText().equals(g.path("node").asText())) replicas.add(n.asText());
                });
                b.append(", replicas on ").append(replicas.isEmpty() ? "none" : String.join(", ", replicas));
            }
            if (!g.path("moved_to").isNull()) b.append(" (moved to ").append(g.path("moved_to").asText()).append(")");
            if (g.hasNonNull("notify_round")) b.append(" (notifying: ").append(g.path("notify_round").asText()).append(")");
            b.append('\n');
            for (JsonNode res : g.path("resources")) {
                b.append(String.format("  %-14s %-10s %s%n", res.path("name").asText(), res.path("type").asText(),
                        res.path("state").asText()));
            }
        }
        JsonNode failures = s.path("failures");
        if (failures.size() > 0) {
            b.append("\nrecent failures:\n");
            int from = Math.max(0, failures.size() - 10);
            for (int i = from; i < failures.size(); i++) {
                JsonNode f = failures.get(i);
                b.append("  ").append(TIME.format(Instant.ofEpochMilli(f.path("at").asLong()))).append("  ")
                        .append(f.path("resource").asText()).append(" on ").append(f.path("node").asText()).append(": ")
                        .append(f.path("detail").asText()).append('\n');
            }
        }
        JsonNode fencing = s.path("fencing");
        if (fencing.size() > 0) {
            b.append("\nfencing:\n");
            int from = Math.max(0, fencing.size() - 10);
            for (int i = from; i < fencing.size(); i++) {
                JsonNode f = fencing.get(i);
                b.append("  ").append(TIME.format(Instant.ofEpochMilli(f.path("at_epoch_ms").asLong()))).append("  ")
                        .append(f.path("node").asText()).append(f.path("ok").asBoolean() ? " fenced" : " NOT fenced")
                        .append(" by ").append(f.path("by").asText()).append(": ").append(f.path("summary").asText()).append('\n');
            }
        }
        return b.toString();
    }
}
