package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cluster services for applications on real daemons in namespaces. Applications reach their node's API
 * the way they would on a machine of their own: the haven CLI (which is the {@link haven.client} library)
 * runs inside each node's namespace, and curl sends. Proves issue 6's lines: messages sent from two nodes at
 * once arrive in the same order on every node; a barrier of 3 completes; one with a node missing times out
 * naming it.
 */
@Tag("lab")
class AppServicesLabTest {
    private static final String PREFIX = SharedLab.prefix("tmsg");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PER_SENDER = 30;
    /** Every CLI and sender at once: the common pool has one thread on a 2-core host, which would run them in turn. */
    private static final ExecutorService AT_ONCE = Executors.newVirtualThreadPerTaskExecutor();
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3)).settled();

    /** The haven CLI inside node {@code i}'s namespace, talking to that node's API on 127.0.0.1. */
    private static Exec.Result haven(int i, Duration timeout, String... args) {
        List<String> java = HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), "haven.cli.Main", List.of(args));
        return Exec.run(timeout, Netns.execIn(lab.layout().nodeNamespace(i), java.toArray(String[]::new)));
    }

    private static CompletableFuture<Exec.Result> havenAsync(int i, Duration timeout, String... args) {
        return CompletableFuture.supplyAsync(() -> haven(i, timeout, args), AT_ONCE);
    }

    private static Exec.Result sh(int i, Duration timeout, String script) {
        return Exec.run(timeout, Netns.execIn(lab.layout().nodeNamespace(i), "sh", "-c", script));
    }

    private static JsonNode messagesOn(int i, long after) throws Exception {
        Exec.Result r = sh(i, Duration.ofSeconds(15), "curl -sS -f -m 10 'http://127.0.0.1:7480/ha/messages?after=" + after + "'");
        assertThat(r.code()).as("GET /ha/messages on n%d: %s", i, r.err()).isZero();
        return JSON.readTree(r.out());
    }

    @Test
    void messagesSentFromTwoNodesAtOnceArriveInTheSameOrderOnEveryNode() throws Exception {
        long last = messagesOn(1, 0).path("last_seq").asLong();
        List<CompletableFuture<Exec.Result>> followers = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            followers.add(havenAsync(i, Duration.ofSeconds(120), "messages", "--follow", "--after", String.valueOf(last),
                    "--count", String.valueOf(2 * PER_SENDER)));
        }
        List<CompletableFuture<Exec.Result>> senders = new ArrayList<>();
        for (int i = 1; i <= 2; i++) {
            String script = "for k in $(seq 1 " + PER_SENDER + "); do curl -sS -f -m 10 -X POST"
                    + " 'http://127.0.0.1:7480/ha/messages?name=from-n" + i + "' --data-binary \"n" + i + "-$k\" >/dev/null || exit 1; done";
            int node = i;
            senders.add(CompletableFuture.supplyAsync(() -> sh(node, Duration.ofSeconds(90), script), AT_ONCE));
        }
        for (var s : senders) {
            Exec.Result r = s.get();
            assertThat(r.code()).as("sender %s: %s", r.command(), r.err()).isZero();
        }
        List<List<String>> seen = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            Exec.Result r = followers.get(i - 1).get();
            assertThat(r.code()).as("follower on n%d: %s\n%s", i, r.err(), lab.cluster().logTails(20)).isZero();
            seen.add(r.out().lines().toList());
        }
        List<String> order = seen.get(0);
        assertThat(order).hasSize(2 * PER_SENDER);
        assertThat(seen.get(1)).as("n2's order").isEqualTo(order);
        assertThat(seen.get(2)).as("n3's order").isEqualTo(order);
        // Each sender waits for its commit before the next send, so its own messages keep their order.
        for (int i = 1; i <= 2; i++) {
            String sender = "n" + i;
            List<String> own = order.stream().map(l -> l.split(" ")).filter(f -> f[1].equals(sender)).map(f -> f[3]).toList();
            assertThat(own).hasSize(PER_SENDER);
            for (int k = 1; k <= PER_SENDER; k++) assertThat(own.get(k - 1)).isEqualTo(sender + "-" + k);
        }
        // The plain read agrees with the streams, on every node.
        for (int i = 1; i <= 3; i++) {
            List<String> read = new ArrayList<>();
            for (JsonNode m : messagesOn(i, last).path("messages")) {
                read.add(m.path("seq").asLong() + " " + m.path("from").asText() + " " + m.path("name").asText() + " "
                        + m.path("value").asText());
            }
            assertThat(read).as("GET /ha/messages on n%d", i).isEqualTo(order);
        }
        long switches = 0;
        for (int k = 1; k < order.size(); k++) {
            if (!order.get(k).split(" ")[1].equals(order.get(k - 1).split(" ")[1])) switches++;
        }
        System.out.println("lab: " + order.size() + " messages from n1 and n2 at once; the senders alternate " + switches
                + " times in the one order every node delivered");
        assertThat(switches).as("the two senders really sent at once (their messages interleave)").isPositive();
    }

    /**
     * A second round through curl, so the time each caller got its answer is read in the same shell (the
     * namespaces share the clock) without a JVM start in between: the spread is how "together" the release is.
     */
    private static void releasedTogether() throws Exception {
        List<CompletableFuture<Exec.Result>> calls = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            String script = "curl -sS -m 60 -X POST 'http://127.0.0.1:7480/ha/barriers/curl-three?participant=n" + i
                    + "&expected=3&timeout=30s'; date +%s%N";
            int node = i;
            calls.add(CompletableFuture.supplyAsync(() -> sh(node, Duration.ofSeconds(60), script), AT_ONCE));
        }
        List<Long> answeredAtNs = new ArrayList<>();
        for (var f : calls) {
            Exec.Result r = f.get();
            List<String> lines = r.out().lines().toList();
            assertThat(lines.get(0)).as(r.err()).matches("completed: barrier curl-three round \\d+: n1, n2, n3 arrived");
            answeredAtNs.add(Long.parseLong(lines.get(1).strip()));
        }
        long spreadMs = (answeredAtNs.stream().mapToLong(x -> x).max().orElseThrow()
                - answeredAtNs.stream().mapToLong(x -> x).min().orElseThrow()) / 1_000_000;
        System.out.println("lab: a barrier of 3 (curl on n1, n2, n3) answered its callers within " + spreadMs + " ms of each other");
        assertThat(spreadMs).as("all three released by the same committed arrival").isLessThan(3_000);
    }

    @Test
    void aBarrierOfThreeCompletesAndOneWithANodeMissingTimesOutNamingIt() throws Exception {
        List<CompletableFuture<Exec.Result>> three = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            three.add(havenAsync(i, Duration.ofSeconds(90), "barrier", "all-three", "--participant", "n" + i,
                    "--expected", "n1,n2,n3", "--timeout", "60s"));
        }
        List<String> answers = new ArrayList<>();
        for (var f : three) {
            Exec.Result r = f.get();
            assertThat(r.code()).as("%s: %s", r.command(), r.err()).isZero();
            answers.add(r.out().strip());
        }
        assertThat(answers).allMatch(a -> a.matches("completed: barrier all-three round \\d+: n1, n2, n3 arrived"));
        assertThat(answers).containsOnly(answers.get(0));

        releasedTogether();

        long start = System.nanoTime();
        var n1 = havenAsync(1, Duration.ofSeconds(60), "barrier", "without-n3", "--participant", "n1", "--expected", "n1,n2,n3",
                "--timeout", "8s");
        var n2 = havenAsync(2, Duration.ofSeconds(60), "barrier", "without-n3", "--participant", "n2", "--expected", "n1,n2,n3",
                "--timeout", "8s");
        for (var f : List.of(n1, n2)) {
            Exec.Result r = f.get();
            assertThat(r.code()).as("%s: %s %s", r.command(), r.out(), r.err()).isEqualTo(1);
            assertThat(r.err()).contains("timed out: barrier without-n3 round").contains("missing n3 (arrived: n1, n2)");
        }
        System.out.println("lab: the barrier without n3 ended for both callers " + Duration.ofNanos(System.nanoTime() - start).toMillis()
                + " ms after they were started (timeout 8 s, plus JVM start)");

        Exec.Result q = haven(3, Duration.ofSeconds(30), "quorum");
        assertThat(q.code()).as(q.err()).isZero();
        assertThat(q.out()).startsWith("quorate: 3 of 3 votes, 2 needed (majority); members n1, n2, n3");
    }
}
