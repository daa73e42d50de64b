package haven.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints the cluster timeline as the local node holds it (GET /ha/log). With --follow it asks again every
 * {@link #POLL} for what comes after the last record printed, so it prints each record once, in order.
 */
@Command(name = "log", mixinStandardHelpOptions = true, description = "Show the cluster timeline: one ordered, cluster-wide"
        + " journal of membership, quorum, coordinator, placement, starts and stops, failures, fencing, standby, moves and"
        + " maintenance, the same on every node.")
public final class LogCommand implements Callable<Integer> {
    static final Duration POLL = Duration.ofMillis(500);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--since", description = "only records from this long ago (30s, 10m, 2h, 1d) or this time (2026-12-01T13:00:00Z)")
    String since;
    @Option(names = "--resource", description = "only records about this resource or its group") String resource;
    @Option(names = "--node", description = "only records about this node") String node;
    @Option(names = "--limit", description = "at most this many records, the newest (default: the daemon's, 1000)") Integer limit;
    @Option(names = {"-f", "--follow"}, description = "keep printing new records until interrupted") boolean follow;
    @Option(names = "--json", description = "print each record as one line of JSON") boolean json;
    @Mixin ApiOptions api;
    PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        ApiClient client = api.client();
        String after = null;
        while (true) {
            ApiClient.Reply r = client.getJson("/ha/log" + query(after));
            if (r.code() != 200) {
                System.err.print("haven: " + r.body());
                return 1;
            }
            JsonNode records = JSON.readTree(r.body());
            for (JsonNode rec : records) {
                out.println(json ? JSON.writeValueAsString(rec) : line(rec));
                after = rec.path("version").asLong() + "." + rec.path("index").asInt();
            }
            out.flush();
            if (!follow) return 0;
            Thread.sleep(POLL.toMillis());
        }
    }

    String query(String after) {
        List<String> p = new ArrayList<>();
        // Once following, the position alone says where to go on: a time would drop records dated before it.
        if (since != null && after == null) p.add("since=" + enc(since));
        if (resource != null) p.add("resource=" + enc(resource));
        if (node != null) p.add("node=" + enc(node));
        if (limit != null && after == null) p.add("limit=" + limit);
        if (after != null) p.add("after=" + after);
        return p.isEmpty() ? "" : "?" + String.join("&", p);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The same line as GET /ha/log's text form: UTC time, position, type, text. */
    static String line(JsonNode r) {
        return r.path("time").asText() + " " + r.path("version").asLong() + "." + r.path("index").asInt() + " "
                + r.path("type").asText() + " " + r.path("text").asText();
    }
}
