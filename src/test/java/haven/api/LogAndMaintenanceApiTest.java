package haven.api;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.events.EventRecorder;
import haven.membership.ClusterLog;
import haven.timeline.Timeline;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /ha/log and PUT /ha/cluster/maintenance over a real socket, with a real timeline journal on disk. */
class LogAndMaintenanceApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<List<Command>> committed = new CopyOnWriteArrayList<>();
    /** Who asked for each committed entry, as its journal stamp says. */
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final ClusterLog log = (entry, timeout) -> {
        committed.add(RequestNotes.strip(entry, requests));
        return CompletableFuture.completedFuture(null);
    };
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    @TempDir Path dir;
    private Timeline timeline;
    private ApiServer server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ClusterConfig config = config(port);
        timeline = new Timeline(config, dir);
        ClusterState s = ClusterState.EMPTY;
        for (List<Command> e : List.<List<Command>>of(
                List.of(new Command.Journal(N1, 1_000, List.of()), new Command.Assign(WEB, Optional.of(N2), "preferred node")),
                List.of(new Command.Journal(N2, 2_000, List.of()), new Command.Started(WEB, N2, 1)),
                List.of(new Command.Journal(N1, 3_000, List.of()), new Command.SetStandby(N3, true)))) {
            ClusterState next = s.apply(e);
            timeline.entryApplied(s, e, next);
            s = next;
        }
        EventRecorder events = new EventRecorder(N1, System::currentTimeMillis, 8);
        var status = status(config, s, List.of(N1, N2, N3), true);
        events.observe(status);
        server = new ApiServer(config, () -> status, log, events).withTimeline(timeline);
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        timeline.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theLogReadsAsLinesOrJsonAndFilters() throws Exception {
        var text = send("GET", "/ha/log", null);
        assertThat(text.statusCode()).isEqualTo(200);
        assertThat(text.body()).isEqualTo("""
                1970-01-01T00:00:01Z 1.0 placement group web placed on n2 (generation 1), was on (none): preferred node
                1970-01-01T00:00:02Z 2.0 group group web running on n2 (generation 1)
                1970-01-01T00:00:03Z 3.0 standby n3 put in standby
                """);
        JsonNode json = JSON.readTree(send("GET", "/ha/log?resource=site", null, "Accept", "application/json").body());
        assertThat(json).hasSize(2);
        assertThat(json.get(1).path("proposer").asText()).isEqualTo("n2");
        assertThat(json.get(1).path("state").asText()).isEqualTo("started");
        assertThat(send("GET", "/ha/log?node=n3", null).body()).isEqualTo("1970-01-01T00:00:03Z 3.0 standby n3 put in standby\n");
        assertThat(send("GET", "/ha/log?after=2.0", null).body()).startsWith("1970-01-01T00:00:03Z 3.0");

        var bad = send("GET", "/ha/log?since=soon", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).startsWith("since=soon is neither a duration back from now");
        assertThat(send("POST", "/ha/log", "x").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/ha/log/more", null).statusCode()).isEqualTo(404);
    }

    @Test
    void maintenanceNeedsAReasonToGoOnAndIsCommittedOnOrOff() throws Exception {
        var noReason = send("PUT", "/ha/cluster/maintenance", "on");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).startsWith("maintenance on needs a reason");
        var gibberish = send("PUT", "/ha/cluster/maintenance", "perhaps");
        assertThat(gibberish.statusCode()).isEqualTo(400);
        assertThat(gibberish.body()).isEqualTo("PUT /ha/cluster/maintenance takes the body 'on REASON' or 'off', not 'perhaps'\n");
        assertThat(committed).isEmpty();

        var on = send("PUT", "/ha/cluster/maintenance", "on upgrading nginx");
        assertThat(on.statusCode()).isEqualTo(200);
        assertThat(on.body()).startsWith("ok: maintenance mode on (upgrading nginx)");
        var off = send("PUT", "/ha/cluster/maintenance", "off");
        assertThat(off.statusCode()).isEqualTo(200);
        assertThat(committed).hasSize(2);
        assertThat(committed.get(0)).singleElement().satisfies(c -> assertThat(c).isInstanceOfSatisfying(Command.SetMaintenance.class,
                m -> {
                    assertThat(m.on()).isTrue();
                    assertThat(m.reason()).isEqualTo("upgrading nginx");
                }));
        assertThat(committed.get(1)).singleElement().satisfies(c -> assertThat(((Command.SetMaintenance) c).on()).isFalse());
        assertThat(send("GET", "/ha/cluster/maintenance", null).body()).isEqualTo("false\n");
    }
}
