package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The /ha API of real daemons in namespaces, used the way an operator or an application would: the real
 * curl, run inside a node's namespace, reads leaves and branches, moves the group, and follows the event
 * stream, disconnecting and resuming with Last-Event-ID across the power loss of the active node. The API is
 * also exposed (HTTPS on port 7443, with tokens), so that a client on another machine (the client namespace)
 * needs a token, and a read-only one cannot move anything.
 */
@Tag("lab")
class ApiLabTest {
    private static final String PREFIX = SharedLab.prefix("tapi");
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READ_TOKEN = "tapi-read-0123456789abcdef";
    private static final String ADMIN_TOKEN = "tapi-admin-0123456789abcdef";
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3));
    private static haven.config.TestCerts.Pair cert;
    private WatchedLab watched;

    @BeforeAll
    static void up() {
        exposeTheApiWithTokens();
    }

    /** Adds an api: section to the lab's config (a certificate for every node's address) and restarts every daemon with it. */
    private static void exposeTheApiWithTokens() {
        try {
            Path config = lab.cluster().state().config();
            Path tokens = config.resolveSibling("api-tokens");
            Files.writeString(tokens, "read " + READ_TOKEN + " dashboard\nadmin " + ADMIN_TOKEN + " ops\n");
            String[] addresses = new String[lab.layout().nodes()];
            for (int i = 1; i <= addresses.length; i++) addresses[i - 1] = lab.layout().nodeAddress(i);
            cert = haven.config.TestCerts.make(config.getParent(), "api", addresses);
            // The alert hook appends what it was called for to a file per node, beside the script.
            Path hook = config.resolveSibling("alert-hook.sh");
            Files.writeString(hook, "#!/bin/sh\necho \"$HAVEN_EVENT_SEQ $HAVEN_EVENT_TYPE $HAVEN_EVENT_TEXT\" >> "
                    + config.getParent() + "/alerts-$HAVEN_NODE.log\n");
            Files.setPosixFilePermissions(hook, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.writeString(config, Files.readString(config) + "api:\n  listen: 0.0.0.0\n  port: 7443\n  tokens_file: " + tokens
                    + "\n  tls_cert: " + cert.cert() + "\n  tls_key: " + cert.key() + "\n"
                    + "alerts:\n  - name: record\n    script: " + hook + "\n    events: [membership, placement, resource]\n    timeout: 5s\n");
        } catch (Exception e) {
            throw new IllegalStateException("cannot write the lab's api section", e);
        }
        // A full, orderly stop (every daemon stops its resources, its guard exits) and a cold start from the
        // state on disk; the tests' VIP watch starts only once the cluster has settled again.
        Pids.terminate(lab.cluster().livePids(), Duration.ofSeconds(30));
        awaitNothingLeftInTheNodes(Duration.ofSeconds(30));
        lab.cluster().startAll();
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1));
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            if (curl(i, "-X", "POST", url("/ha/groups/web/cleanup")).code() == 200) return;
        }
        throw new AssertionError("no node accepted the cleanup of web after the restart\n" + lab.cluster().logTails(20));
    }

    /**
     * Waits until the stopped daemons' guards and services are gone too: a guard left from the previous run
     * would force off what the new daemon starts (seen under load), and its failures would bar that node from
     * the moves these tests make. What stays past the wait is named and killed.
     */
    private static void awaitNothingLeftInTheNodes(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        List<Long> left = List.of();
        while (System.nanoTime() < deadline) {
            left = new ArrayList<>();
            for (int i = 1; i <= lab.layout().nodes(); i++) left.addAll(Netns.pids(lab.layout().nodeNamespace(i)));
            if (left.isEmpty()) return;
            Pids.sleep(200);
        }
        for (long pid : left) System.err.println("lab warning: still running after the daemons stopped: " + pid + " " + Pids.cmdline(pid));
        Pids.kill(left);
        Pids.waitGone(left, Duration.ofSeconds(5));
    }

    @BeforeEach
    void settle() {
        watched = WatchedLab.settle(lab.get());
    }

    /** Heals every node and clears the move, through whichever node answers first (a healed one may still boot). */
    @AfterEach
    void heal() {
        if (watched != null) watched.close();
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 1; i <= lab.layout().nodes(); i++) {
                Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(lab.layout().nodeNamespace(i), "curl", "-s", "-m", "10",
                        "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE", url("/ha/resources/site/moved_to")));
                if (r.ok() && r.out().trim().equals("200")) return;
            }
            Pids.sleep(500);
        }
        throw new AssertionError("no node cleared the move of web within " + WITHIN.toSeconds() + " s\n" + lab.cluster().logTails(20));
    }

    private static String url(String path) {
        return "http://127.0.0.1:7480" + path;
    }

    /** curl's answer: status code and body. */
    private record Answer(int code, String body) {}

    private static Answer curl(int node, String... args) {
        return curlIn(lab.layout().nodeNamespace(node), args);
    }

    private static Answer curlIn(String ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-m", "10", "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Exec.Result r = Exec.run(Duration.ofSeconds(15), Netns.execIn(ns, cmd.toArray(String[]::new)));
        assertThat(r.code()).as("curl %s in %s: %s", cmd, ns, r.err()).isZero();
        int nl = r.out().lastIndexOf('\n');
        return new Answer(Integer.parseInt(r.out().substring(nl + 1).trim()), r.out().substring(0, nl));
    }

    private int holder() {
        List<Integer> h = watched.watch.holders();
        assertThat(h).as("VIP holders").hasSize(1);
        return h.get(0);
    }

    private String name(int node) {
        return lab.layout().nodeName(node);
    }

    /** The first node that is none of {@code not}. */
    private static int other(int... not) {
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            int c = i;
            if (java.util.Arrays.stream(not).noneMatch(x -> x == c)) return i;
        }
        throw new AssertionError("no node left");
    }

    @Test
    void curlReadsLeavesAsTextAndBranchesAsJsonAndMovesTheGroupThroughTheTree() throws Exception {
        int from = holder();
        int to = other(from);
        int via = other(from, to);
        assertThat(curl(via, url("/ha/resources/site/state"))).isEqualTo(new Answer(200, "started " + name(from) + "\n"));
        assertThat(curl(via, url("/ha/cluster/quorate"))).isEqualTo(new Answer(200, "true\n"));
        assertThat(curl(via, url("/ha/cluster/members")).body().lines()).containsExactlyInAnyOrderElementsOf(lab.layout().nodeNames());
        JsonNode node = JSON.readTree(curl(via, url("/ha/nodes/" + name(from))).body());
        assertThat(node.path("online").asBoolean()).isTrue();
        assertThat(node.path("groups").get(0).asText()).isEqualTo("web");
        assertThat(curl(via, "-H", "Accept: application/json", url("/ha/resources/site/node")).body()).isEqualTo("\"" + name(from) + "\"\n");

        Answer refused = curl(via, "-X", "PUT", "--data", "nowhere", url("/ha/resources/site/moved_to"));
        assertThat(refused.code()).isEqualTo(404);
        assertThat(refused.body()).startsWith("no node named 'nowhere'; nodes: [");

        Answer moved = curl(via, "-X", "PUT", "--data", name(to), url("/ha/resources/site/moved_to"));
        assertThat(moved).isEqualTo(new Answer(200, "ok: group web is to run on " + name(to) + " until the move is cleared\n"));
        long deadline = System.nanoTime() + WITHIN.toNanos();
        String state = "";
        while (System.nanoTime() < deadline && !state.equals("started " + name(to) + "\n")) {
            Pids.sleep(200);
            state = curl(via, url("/ha/resources/site/state")).body();
        }
        assertThat(state).as("site's state read on %s after the move; it says:\n%s\n%s", name(via),
                curl(via, url("/ha/groups/web")).body(), lab.cluster().logTails(30))
                .isEqualTo("started " + name(to) + "\n");
        assertThat(watched.watch.awaitAtMostOneHolder(System.nanoTime() + WITHIN.toNanos())).isTrue();
        assertThat(watched.watch.holders()).containsExactly(to);
        assertThat(watched.watch.splitBrainNanos()).isZero();
        assertThat(curl(from, url("/ha/resources/site/moved_to")).body()).isEqualTo(name(to) + "\n");
        assertThat(curl(via, url("/metrics")).body())
                .contains("haven_group_placed{group=\"web\",node=\"" + name(to) + "\"} 1\n")
                .contains("haven_resource_state{resource=\"site\",state=\"started\"} 1\n");
    }

    /** One event as curl printed it. */
    private record Event(String id, String type, JsonNode data) {
        long seq() {
            return Long.parseLong(id.substring(id.lastIndexOf(':') + 1));
        }

        String stream() {
            return id.substring(0, id.lastIndexOf(':'));
        }
    }

    /** `curl -N` on a node's /ha/events; stopping it (SIGTERM to its PID) is the client going away. */
    private static final class EventClient implements AutoCloseable {
        final Process curl;
        final List<Event> events = new CopyOnWriteArrayList<>();
        final Thread reader;

        EventClient(int node, String lastEventId, String query) throws IOException {
            List<String> cmd = new ArrayList<>(List.of("curl", "-sSN", "-m", "120"));
            if (lastEventId != null) cmd.addAll(List.of("-H", "Last-Event-ID: " + lastEventId));
            cmd.add(url("/ha/events" + query));
            curl = new ProcessBuilder(Netns.execIn(lab.layout().nodeNamespace(node), cmd.toArray(String[]::new)))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            reader = Thread.ofVirtual().start(this::read);
        }

        private void read() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8))) {
                String id = null;
                String type = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id: ")) id = line.substring(4);
                    else if (line.startsWith("event: ")) type = line.substring(7);
                    else if (line.startsWith("data: ")) events.add(new Event(id, type, JSON.readTree(line.substring(6))));
                }
            } catch (IOException e) {
                // the client was stopped
            }
        }

        /** The first event after index {@code from} that matches, waiting up to {@code within}. */
        Event await(int from, Duration within, String what, Predicate<Event> p) {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                for (int i = from; i < events.size(); i++) {
                    if (p.test(events.get(i))) return events.get(i);
                }
                Pids.sleep(50);
            }
            throw new AssertionError("no event " + what + " within " + within.toSeconds() + " s; got:\n"
                    + String.join("\n", events.stream().map(e -> e.id() + " " + e.data().path("text").asText()).toList())
                    + "\n" + lab.cluster().logTails(20));
        }

        @Override
        public void close() throws InterruptedException {
            curl.destroy();
            if (!curl.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) curl.destroyForcibly();
            reader.join(5000);
        }
    }

    @Test
    void anEventClientThatReconnectsWithItsLastIdMissesNothingAcrossAFailover() throws Exception {
        int victim = holder();
        int observer = other(victim);
        List<Event> seen = new ArrayList<>();
        try (EventClient first = new EventClient(observer, null, "?replay=all")) {
            first.await(0, Duration.ofSeconds(10), "replayed", e -> e.type().equals("daemon-started"));
            Pids.sleep(300); // the rest of the replay
            seen.addAll(first.events);
        }
        Event last = seen.get(seen.size() - 1);

        Faults.Injected kill = watched.faults.kill(victim);
        watched.awaitBack(kill, WITHIN);

        try (EventClient again = new EventClient(observer, last.id(), "")) {
            again.await(0, WITHIN, "site started away from " + name(victim), e -> e.type().equals("resource")
                    && e.data().path("resource").asText().equals("site") && e.data().path("state").asText().startsWith("started ")
                    && !e.data().path("state").asText().equals("started " + name(victim)));
            seen.addAll(again.events);
            assertThat(again.events.get(0).seq()).as("first event after reconnecting").isEqualTo(last.seq() + 1);
        }

        List<Long> seqs = seen.stream().map(Event::seq).toList();
        assertThat(seqs).as("sequence numbers").isEqualTo(LongStream.rangeClosed(seqs.get(0), seqs.get(0) + seqs.size() - 1).boxed().toList());
        assertThat(seen.stream().map(Event::stream).distinct()).hasSize(1);
        List<Event> after = seen.subList(seen.indexOf(last) + 1, seen.size());
        assertThat(after).as("the failover's transitions").anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("membership");
            assertThat(e.data().path("left").toString()).contains("\"" + name(victim) + "\"");
        }).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo("placement");
            assertThat(e.data().path("group").asText()).isEqualTo("web");
            assertThat(e.data().path("node").asText()).isNotEqualTo(name(victim)).isNotEmpty();
        });
        for (Event e : after) System.err.println("event " + e.id() + " " + e.data().path("text").asText());

        // The observer's alert hook was called for the failover's transitions, in the stream's order.
        Path alertLog = lab.cluster().state().config().resolveSibling("alerts-" + name(observer) + ".log");
        Event placed = after.stream().filter(e -> e.type().equals("placement")).findFirst().orElseThrow();
        List<String> calls = awaitLine(alertLog, placed.seq() + " placement ");
        List<Long> called = calls.stream().map(l -> Long.parseLong(l.substring(0, l.indexOf(' ')))).toList();
        assertThat(called).as("event numbers the hook saw, in order").isSorted().doesNotHaveDuplicates();
        List<Long> wanted = seen.stream().filter(e -> List.of("membership", "placement", "resource").contains(e.type()))
                .map(Event::seq).filter(q -> q <= placed.seq()).toList();
        assertThat(called).as("every wanted event up to the failover's placement").containsAll(wanted);

        Answer gone = curl(observer, "-H", "Last-Event-ID: " + name(victim) + "-0:1", url("/ha/events"));
        assertThat(gone.code()).isEqualTo(410);
        assertThat(gone.body()).contains("is not from this stream").contains("reconnect without Last-Event-ID");
    }

    @Test
    void fromAnotherMachineAReadOnlyTokenReadsButCannotMoveTheGroupAndAnAdminTokenCan() {
        int from = holder();
        int to = other(from);
        String client = lab.layout().clientNamespace();
        String state = "https://" + lab.layout().nodeAddress(to) + ":7443/ha/resources/site/state";
        String movedTo = "https://" + lab.layout().nodeAddress(to) + ":7443/ha/resources/site/moved_to";
        Exec.Result local = Exec.run(Duration.ofSeconds(15), Netns.execIn(client, "curl", "-sS", "-m", "5",
                "http://" + lab.layout().nodeAddress(to) + ":7480/ha/cluster"));
        assertThat(local.code()).as("curl's exit code: the local API answers on the node's loopback only").isEqualTo(7);

        Answer anonymous = curlIn(client, "--cacert", cert.cert().toString(), state);
        assertThat(anonymous.code()).isEqualTo(401);
        assertThat(anonymous.body()).contains("send 'Authorization: Bearer TOKEN'");
        assertThat(curlIn(client, "--cacert", cert.cert().toString(), "-H", "Authorization: Bearer " + READ_TOKEN, state))
                .isEqualTo(new Answer(200, "started " + name(from) + "\n"));

        Answer readOnly = curlIn(client, "--cacert", cert.cert().toString(), "-H", "Authorization: Bearer " + READ_TOKEN, "-X", "PUT",
                "--data", name(to), movedTo);
        assertThat(readOnly.code()).isEqualTo(403);
        assertThat(readOnly.body()).isEqualTo("the token dashboard is read-only: it may GET any path, but not PUT;"
                + " use an admin token to change the cluster\n");
        assertThat(curl(to, url("/ha/resources/site/moved_to")).body()).as("no move recorded").isEqualTo("\n");
        assertThat(watched.watch.holders()).containsExactly(from);

        Answer admin = curlIn(client, "--cacert", cert.cert().toString(), "-H", "Authorization: Bearer " + ADMIN_TOKEN, "-X", "PUT",
                "--data", name(to), movedTo);
        assertThat(admin.code()).isEqualTo(200);
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline && !watched.watch.holders().equals(List.of(to))) {
            Pids.sleep(100);
        }
        assertThat(watched.watch.holders()).as("VIP holders after the admin's move; %s says:\n%s\n%s", name(to),
                curl(to, url("/ha/groups/web")).body(), lab.cluster().logTails(30)).containsExactly(to);
    }

    /** The file's lines once one starts with {@code prefix}; fails after {@link #WITHIN}. */
    private static List<String> awaitLine(Path file, String prefix) throws IOException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (lines.stream().anyMatch(l -> l.startsWith(prefix))) return lines;
            }
            Pids.sleep(100);
        }
        throw new AssertionError("no line '" + prefix + "...' in " + file + " within " + WITHIN.toSeconds() + " s: "
                + (Files.exists(file) ? Files.readAllLines(file) : "(no file)"));
    }
}
