package haven.events;

import static haven.api.Snapshots.*;
import static org.assertj.core.api.Assertions.assertThat;

import haven.cib.ClusterState;
import haven.config.AlertHook;
import haven.process.ProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alert hooks as real scripts run by the real process runner. */
class AlertRunnerTest {
    @TempDir Path dir;
    private final EventRecorder events = new EventRecorder(N1, System::currentTimeMillis, 256);
    private final List<String> logged = new CopyOnWriteArrayList<>();

    private Path script(String name, String body) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    private AlertRunner runner(AlertHook... hooks) {
        return new AlertRunner(List.of(hooks), events, "n1", new ProcessRunner(), System::currentTimeMillis, logged::add);
    }

    private List<ClusterEvent> alertEvents(int atLeast) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            List<ClusterEvent> alerts = new ArrayList<>();
            for (ClusterEvent e : ((EventRing.Read.Events) events.ring().after(events.ring().oldest() - 1, 1000)).events()) {
                if (e.type().equals("alert")) alerts.add(e);
            }
            if (alerts.size() >= atLeast || System.nanoTime() > deadline) return alerts;
            Thread.sleep(20);
        }
    }

    @Test
    void aHookSeesEveryEventItWantsOnceInOrderWithItsFieldsAndEachCallIsRecorded() throws Exception {
        Path seen = dir.resolve("seen");
        Path hook = script("log.sh", "echo \"$HAVEN_EVENT_SEQ $HAVEN_EVENT_TYPE $HAVEN_EVENT_GROUP $HAVEN_NODE\" >> " + seen);
        events.observe(status(ClusterState.EMPTY));
        try (AlertRunner r = runner(new AlertHook("log", hook, Set.of("move", "daemon-started"), Duration.ofSeconds(5)))) {
            r.start();
            for (int i = 0; i < 20; i++) {
                events.ring().append(List.of(Change.of("move", "m" + i, "group", "web"), Change.of("quorum", "q" + i)), 1);
            }
            List<ClusterEvent> alerts = alertEvents(21);
            assertThat(alerts).hasSize(21);
            assertThat(alerts.get(1).fields()).containsEntry("alert", "log").containsEntry("event", 2L).containsEntry("outcome", "exit 0");
        }
        List<String> lines = Files.readAllLines(seen);
        List<String> expected = new ArrayList<>(List.of("1 daemon-started  n1"));
        // Appends interleave with the hooks' own alert records, so the move events' numbers are read back from the ring.
        for (ClusterEvent e : ((EventRing.Read.Events) events.ring().after(0, 1000)).events()) {
            if (e.type().equals("move")) expected.add(e.seq() + " move web n1");
        }
        assertThat(lines).containsExactlyElementsOf(expected);
    }

    @Test
    void aHangingScriptIsKilledAtItsTimeoutAndTheNextCallsGoOn() throws Exception {
        Path hang = script("hang.sh", "sleep 30");
        Path ok = script("ok.sh", "echo fine");
        events.ring().append(List.of(Change.of("quorum", "q"), Change.of("quorum", "q2")), 1);
        long t0 = System.nanoTime();
        try (AlertRunner r = runner(new AlertHook("hang", hang, Set.of(), Duration.ofMillis(300)),
                new AlertHook("ok", ok, Set.of("quorum"), Duration.ofSeconds(5)))) {
            r.start();
            List<ClusterEvent> alerts = alertEvents(4);
            assertThat(alerts).extracting(e -> e.fields().get("alert") + " " + e.fields().get("event") + " " + e.fields().get("outcome"))
                    .containsExactly("hang 1 timed out", "ok 1 exit 0", "hang 2 timed out", "ok 2 exit 0");
            assertThat(alerts.get(1).fields()).containsEntry("output", "fine");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(logged).hasSize(2).allSatisfy(l -> assertThat(l).contains("hang.sh: timed out"));
    }

    @Test
    void theEnvironmentCarriesTheEventAndItsFields() {
        ClusterEvent e = new ClusterEvent(7, 1234, "membership", Map.of("left", List.of("n2", "n3")), "n2, n3 left");
        Map<String, String> env = runner().environment(e);
        assertThat(env).containsEntry("HAVEN_EVENT_SEQ", "7").containsEntry("HAVEN_EVENT_TYPE", "membership")
                .containsEntry("HAVEN_EVENT_LEFT", "n2 n3").containsEntry("HAVEN_EVENT_AT", "1234")
                .containsEntry("HAVEN_EVENT_STREAM", events.stream());
        assertThat(env.get("HAVEN_EVENT_JSON")).contains("\"left\":[\"n2\",\"n3\"]").contains("\"seq\":7");
    }
}
