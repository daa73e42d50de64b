package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three nodes with the lab fence device (fence_haven_lab, which powers a lab host off as the `kill` fault
 * does): the coordinator fences a lost node that may have run something, and the cluster records it. Needs
 * root, nginx and a built daemon.
 */
@Tag("lab")
class FencingFailoverTest {
    private static final String PREFIX = SharedLab.prefix("tfenc");
    @org.junit.jupiter.api.extension.RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Duration WITHIN = Duration.ofSeconds(30);
    @RegisterExtension
    static final SharedLab lab = new SharedLab(new LabLayout(PREFIX, 3).withFencing());

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anIsolatedHolderIsFencedOffAndTheServiceMovesWithNeverTwoHolders() {
        try (VipWatch watch = VipWatch.start(lab.layout());
                ProberProcess prober = ProberProcess.start(lab.layout(), HavenRuntime.current())) {
            Faults faults = new Faults(lab.get(), watch::pids);
            lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1));
            assertThat(prober.awaitGoodAnswer(System.nanoTime(), Duration.ofSeconds(10))).isPresent();
            List<Integer> holders = watch.holders();
            assertThat(holders).hasSize(1);
            int victim = holders.get(0);
            Faults.Injected isolate = faults.isolate(victim);

            Optional<ProbeResult> back = prober.awaitGoodAnswer(isolate.effectiveNanos(), WITHIN);
            assertThat(back).as("service back after %s\n%s", isolate.description(), lab.cluster().logTails(20)).isPresent();
            assertThat(back.get().detail()).isNotEqualTo("served by " + lab.layout().nodeName(victim));
            // The coordinator powers the isolated node off: its daemon and everything in its namespace are gone.
            long deadline = System.nanoTime() + WITHIN.toNanos();
            while (lab.cluster().pid(victim).isPresent() && System.nanoTime() < deadline) {
                Pids.sleep(100);
            }
            assertThat(lab.cluster().pid(victim)).as("fenced off\n%s", lab.cluster().logTails(20)).isEmpty();
            List<Long> left = Netns.pids(lab.layout().nodeNamespace(victim)).stream()
                    .filter(p -> !watch.pids().contains(p)).toList(); // the test's own address monitor may restart there
            assertThat(left).as("left in the fenced node: %s", left.stream().map(Pids::cmdline).toList()).isEmpty();
            int survivor = watch.holders().get(0);
            JsonNode record = null;
            while (record == null && System.nanoTime() < deadline) {
                JsonNode fencing = json(lab.cluster().status(survivor).orElseThrow().raw()).path("fencing");
                if (fencing.size() > 0) record = fencing.get(0);
                else Pids.sleep(100);
            }
            assertThat(record).as("the fencing is in the cluster's history").isNotNull();
            assertThat(record.path("node").asText()).isEqualTo(lab.layout().nodeName(victim));
            assertThat(record.path("ok").asBoolean()).as(record.toString()).isTrue();
            assertThat(watch.splitBrainNanos()).isZero();
            faults.heal(victim);
            lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1));
            assertThat(watch.holders()).hasSize(1);
            assertThat(watch.splitBrainNanos()).isZero();
        }
    }
}
