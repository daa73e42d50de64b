package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster timeline and maintenance mode on real daemons with a fence device: the real `haven log` and
 * `haven maintenance`, run inside the nodes' namespaces. After the active node loses power, every surviving
 * node tells the same story, record for record; in maintenance a killed web server stays dead and nothing
 * moves, and leaving maintenance brings it back.
 */
@Tag("lab")
class TimelineLabTest {
    private static final String PREFIX = SharedLab.prefix("tlog");
    private static final Duration WITHIN = Duration.ofSeconds(40);
    private static final ObjectMapper JSON = new ObjectMapper();
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3).withFencing());
    private WatchedLab watched;

    @BeforeEach
    void settle() {
        watched = WatchedLab.settle(lab.get());
    }

    @AfterEach
    void heal() {
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            Exec.run(Duration.ofSeconds(15), Netns.execIn(lab.layout().nodeNamespace(i), "curl", "-s", "-m", "10", "-X", "PUT",
                    "--data", "off", "http://127.0.0.1:7480/ha/cluster/maintenance"));
        }
        if (watched != null) watched.close();
    }

    /** `haven ARGS` in node {@code i}'s namespace. */
    private static Exec.Result haven(int i, String... args) {
        List<String> cmd = HavenRuntime.current().javaCommand(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1"), "haven.cli.Main",
                List.of(args));
        return Exec.run(Duration.ofSeconds(30), Netns.execIn(lab.layout().nodeNamespace(i), cmd.toArray(String[]::new)));
    }

    /** Node {@code i}'s timeline through `haven log --json`, one JSON object a record. */
    private static List<JsonNode> log(int i, String... filters) {
        List<String> args = new ArrayList<>(List.of("log", "--json"));
        args.addAll(List.of(filters));
        Exec.Result r = haven(i, args.toArray(String[]::new));
        assertThat(r.code()).as("haven log on %s: %s", lab.layout().nodeName(i), r.err()).isZero();
        List<JsonNode> records = new ArrayList<>();
        for (String line : r.out().lines().toList()) {
            try {
                records.add(JSON.readTree(line));
            } catch (java.io.IOException e) {
                throw new AssertionError("haven log printed a line that is not JSON: " + line, e);
            }
        }
        return records;
    }

    /** Node {@code i}'s timeline once it holds a record that matches, polling `haven log`. */
    private static List<JsonNode> awaitRecord(int i, String what, Predicate<JsonNode> p) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        List<JsonNode> records = List.of();
        while (System.nanoTime() < deadline) {
            records = log(i);
            if (records.stream().anyMatch(p)) return records;
            Pids.sleep(500);
        }
        throw new AssertionError("no record " + what + " on " + lab.layout().nodeName(i) + " within " + WITHIN.toSeconds() + " s:\n"
                + String.join("\n", records.stream().map(TimelineLabTest::line).toList()) + "\n" + lab.cluster().logTails(20));
    }

    private static String line(JsonNode r) {
        return r.path("version").asLong() + "." + r.path("index").asInt() + " " + r.path("type").asText() + " " + r.path("text").asText();
    }

    private int holder() {
        List<Integer> h = watched.watch.holders();
        assertThat(h).as("VIP holders").hasSize(1);
        return h.get(0);
    }

    private static String name(int i) {
        return lab.layout().nodeName(i);
    }

    @Test
    void afterTheActiveNodeLosesPowerEverySurvivorsLogTellsTheSameOrderedStory() {
        int victim = holder();
        List<Integer> survivors = new ArrayList<>();
        for (int i = 1; i <= lab.layout().nodes(); i++) if (i != victim) survivors.add(i);
        Faults.Injected kill = watched.faults.kill(victim);
        ProbeResult back = watched.awaitBack(kill, WITHIN);
        assertThat(back.detail()).isNotEqualTo("served by " + name(victim));
        int now = holder();

        Predicate<JsonNode> fenced = r -> r.path("type").asText().equals("fencing") && r.path("node").asText().equals(name(victim))
                && r.path("ok").asBoolean();
        Predicate<JsonNode> running = r -> r.path("type").asText().equals("group") && r.path("group").asText().equals("web")
                && r.path("node").asText().equals(name(now)) && r.path("state").asText().equals("started");
        List<List<JsonNode>> logs = new ArrayList<>();
        for (int i : survivors) {
            awaitRecord(i, "fencing " + name(victim), fenced);
            logs.add(awaitRecord(i, "web running on " + name(now), running));
        }
        // Both hold the same versions now; a record committed meanwhile may reach one before the other.
        long upTo = Math.min(last(logs.get(0)), last(logs.get(1)));
        List<String> a = logs.get(0).stream().filter(r -> r.path("version").asLong() <= upTo).map(JsonNode::toString).toList();
        List<String> b = logs.get(1).stream().filter(r -> r.path("version").asLong() <= upTo).map(JsonNode::toString).toList();
        for (String r : a) System.err.println("timeline " + r);
        assertThat(b).as("the timeline of %s against that of %s", name(survivors.get(1)), name(survivors.get(0))).isEqualTo(a);

        List<JsonNode> after = logs.get(0);
        int lost = indexOf(after, r -> (r.path("type").asText().equals("membership") && r.path("nodes").toString().contains("\""
                + name(victim) + "\"")) || (r.path("type").asText().equals("node-lost") && r.path("node").asText().equals(name(victim))));
        int fence = indexOf(after, fenced);
        int placed = indexOf(after, r -> r.path("type").asText().equals("placement") && r.path("group").asText().equals("web")
                && r.path("node").asText().equals(name(now)));
        int started = indexOf(after, running);
        assertThat(lost).as("the node's loss is recorded").isGreaterThanOrEqualTo(0);
        assertThat(List.of(lost, placed, started)).as("loss, placement, start in this order").isSorted();
        assertThat(fence).as("fencing is recorded").isGreaterThan(lost);
        assertThat(log(survivors.get(0), "--resource", "site", "--since", "10m")).as("filtered to site's group")
                .isNotEmpty().allSatisfy(r -> assertThat(r.path("group").asText()).isEqualTo("web"));
        assertThat(log(survivors.get(0), "--node", name(victim))).as("filtered to the lost node").anySatisfy(r ->
                assertThat(r.path("type").asText()).isEqualTo("fencing"));
    }

    private static long last(List<JsonNode> records) {
        return records.isEmpty() ? 0 : records.get(records.size() - 1).path("version").asLong();
    }

    private static int indexOf(List<JsonNode> records, Predicate<JsonNode> p) {
        for (int i = records.size() - 1; i >= 0; i--) {
            if (p.test(records.get(i))) return i;
        }
        return -1;
    }

    @Test
    void inMaintenanceAKilledServiceStaysDownAndNothingMovesAndOffBringsItBack() {
        int active = holder();
        int via = active == 1 ? 2 : 1;
        Exec.Result on = haven(via, "maintenance", "on", "--reason", "upgrading nginx by hand");
        assertThat(on.code()).as("haven maintenance on: %s", on.err()).isZero();
        assertThat(on.out()).startsWith("ok: maintenance mode on (upgrading nginx by hand)");
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            awaitRecord(i, "maintenance on", r -> r.path("type").asText().equals("maintenance") && r.path("on").asBoolean());
        }
        Exec.Result status = haven(active, "status");
        assertThat(status.out()).contains("MAINTENANCE: on (upgrading nginx by hand)");

        watched.faults.killService(active);
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < until) {
            assertThat(Netns.pids(lab.layout().nodeNamespace(active)).stream().anyMatch(Faults::isNginx))
                    .as("nginx restarted on %s in maintenance", name(active)).isFalse();
            assertThat(watched.watch.holders()).as("VIP holders in maintenance").containsExactly(active);
            Pids.sleep(250);
        }

        Exec.Result off = haven(via, "maintenance", "off");
        assertThat(off.code()).as("haven maintenance off: %s", off.err()).isZero();
        long offAt = System.nanoTime();
        assertThat(watched.prober.awaitGoodAnswer(offAt, WITHIN)).as("service back after maintenance off\n%s",
                lab.cluster().logTails(30)).isPresent();
        assertThat(Netns.pids(lab.layout().nodeNamespace(active)).stream().anyMatch(Faults::isNginx)).isTrue();
        assertThat(watched.watch.holders()).containsExactly(active);
        List<JsonNode> records = awaitRecord(via, "maintenance off", r -> r.path("type").asText().equals("maintenance")
                && !r.path("on").asBoolean());
        int from = indexOf(records, r -> r.path("type").asText().equals("maintenance") && r.path("on").asBoolean());
        int to = indexOf(records, r -> r.path("type").asText().equals("maintenance") && !r.path("on").asBoolean());
        assertThat(from).isLessThan(to);
        assertThat(records.subList(from, to)).as("what the cluster committed during maintenance")
                .noneMatch(r -> List.of("failure", "placement", "group").contains(r.path("type").asText()));
    }
}
