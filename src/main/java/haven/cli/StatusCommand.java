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

    /** One line of what the answering node knows of its copy: the primary's view of its replicas, or a replica's. */
    static String copyHere(JsonNode r, String node) {
        StringBuilder b = new StringBuilder("copy on ").append(node).append(": ").append(r.path("role").asText())
                .append(", generation ").append(r.path("generation").asText()).append(" epoch ").append(r.path("epoch").asText());
        if (!r.path("whole").asBoolean()) b.append(", NOT WHOLE");
        if (r.path("role").asText().equals("primary")) {
            String inSync = r.path("in_sync").asText();
            long lose = r.path("would_lose_bytes").asLong();
            b.append(", in sync: ").append(inSync.isEmpty() ? "none" : inSync.replace(",", ", ")).append(", confirm delay p50 ")
                    .append(r.path("lag_p50_ms").asText()).append(" ms, a failover now would lose ")
                    .append(lose < 0 ? "every write since the last replica left" : lose + " bytes");
            r.fieldNames().forEachRemaining(k -> {
                if (k.startsWith("replica.")) b.append("; ").append(k.substring("replica.".length())).append(" ").append(r.path(k).asText());
            });
        } else if (r.path("role").asText().equals("replica")) {
            b.append(r.path("following").asText().isEmpty() ? ", no primary connected" : ", following " + r.path("following").asText()
                    + " at record " + r.path("applied_record").asText());
            if (r.path("kept_aside").asLong() > 0) b.append(", ").append(r.path("kept_aside").asText()).append(" entries kept aside");
        }
        if (r.has("problem")) b.append(" — ").append(r.path("problem").asText());
        return b.toString();
    }

    /** A node's capacity as used, e.g. "cpu 6/8, memory_mb 2048/16384". */
    private static String usage(JsonNode n) {
        List<String> parts = new ArrayList<>();
        n.path("capacity").fields().forEachRemaining(e -> parts.add(e.getKey() + " " + n.path("used").path(e.getKey()).asLong()
                + "/" + e.getValue().asLong()));
        return String.join(", ", parts);
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
                    + (n.path("maintenance").asBoolean() ? " (MAINTENANCE: left alone)" : "")
                    + (n.has("capacity") ? " (" + usage(n) + ")" : "")
                    + (n.path("role").asText("node").equals("witness") ? " (witness)" : "")
                    + (s.path("ping_reachable").has(n.path("name").asText())
                            ? " (reaches " + s.path("ping_reachable").path(n.path("name").asText()).asInt() + " ping nodes)" : ""));
        }
        b.append("  nodes:       ").append(String.join(", ", nodes)).append('\n');
        b.append('\n');
        for (JsonNode g : s.path("groups")) {
            b.append("group ").append(g.path("name").asText()).append(": ");
            boolean clone = g.path("clone").asBoolean();
            boolean promotable = g.has("instances") && !clone;
            if (clone) {
                List<String> on = new ArrayList<>();
                g.path("instances").forEach(n -> on.add(n.asText()));
                b.append(on.isEmpty() ? "clone, no instances" : "clone on " + String.join(", ", on));
            } else {
                b.append(g.path("node").isNull() ? (promotable ? "no primary" : "not placed") : (promotable ? "primary on " : "on ") + g.path("node").asText());
            }
            if (promotable) {
                List<String> replicas = new java.util.ArrayList<>();
                g.path("instances").forEach(n -> {
                    if (!n.asText().equals(g.path("node").asText())) replicas.add(n.asText());
                });
                b.append(", replicas on ").append(replicas.isEmpty() ? "none" : String.join(", ", replicas));
            }
            if (!g.path("moved_to").isNull()) {
                b.append(" (moved to ").append(g.path("moved_to").asText());
                if (g.hasNonNull("moved_until_epoch_ms")) {
                    b.append(" until ").append(java.time.Instant.ofEpochMilli(g.path("moved_until_epoch_ms").asLong()).toString()
                            .replaceFirst("\\.\\d+Z$", "Z"));
                }
                b.append(")");
            }
            if (g.path("disabled").asBoolean()) b.append(" (DISABLED: `haven resource enable` lets it run)");
            if (g.path("unmanaged").asBoolean()) b.append(" (UNMANAGED: monitored only)");
            if (g.hasNonNull("restarting_on")) b.append(" (restarting on ").append(g.path("restarting_on").asText()).append(")");
            if (g.hasNonNull("notify_round")) b.append(" (notifying: ").append(g.path("notify_round").asText()).append(")");
            b.append('\n');
            for (JsonNode res : g.path("resources")) {
                b.append(String.format("  %-14s %-10s %s%n", res.path("name").asText(), res.path("type").asText(),
                        res.path("state").asText()));
                if (res.has("replication")) b.append("    ").append(copyHere(res.path("replication"), s.path("node").asText())).append('\n');
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
