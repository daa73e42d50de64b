package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The measuring tools without any daemon: this test plays the cluster's part by hand (adds the VIP, starts
 * nginx with the lab's own command) and checks that the prober, the VIP watch and the faults see and do
 * what they should. Needs root and nginx.
 */
@Tag("lab")
class LabMechanicsTest {
    private static final String PREFIX = "tmech";
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3);
    private static Lab lab;
    private static LabFiles files;

    @BeforeAll
    static void build() {
        Lab.down(PREFIX); // a previous run killed midway
        LabState state = LabState.create(LAYOUT);
        new LabNetwork(LAYOUT).create();
        files = new LabFiles(LAYOUT, state);
        files.writeAll();
        lab = Lab.open(PREFIX);
    }

    @AfterAll
    static void tearDown() {
        Lab.down(PREFIX);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
        assertThat(LabState.find(PREFIX)).isEmpty();
    }

    /** What the daemon's process agent would do on node i. */
    private static long startSite(int i) {
        String node = LAYOUT.nodeName(i);
        return Detached.start(LAYOUT.nodeNamespace(i), List.of("/bin/sh", "-c", files.siteCommand()),
                lab.cluster().state().log(node + "-site"), Map.of("HAVEN_NODE", node));
    }

    private static void addVip(int i) {
        Exec.run("ip", "-n", LAYOUT.nodeNamespace(i), "addr", "add", LAYOUT.vip() + "/24", "dev", "eth0").orThrow();
    }

    private static void delVip(int i) {
        Exec.run("ip", "-n", LAYOUT.nodeNamespace(i), "addr", "del", LAYOUT.vip() + "/24", "dev", "eth0").orThrow();
    }

    private static Http.Reply awaitPage(int node) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            var r = Http.get(LAYOUT.clientNamespace(), "http://" + LAYOUT.nodeAddress(node) + "/", Duration.ofSeconds(1));
            if (r.isPresent() && r.get().ok()) {
                return r.get();
            }
            Pids.sleep(50);
        }
        throw new AssertionError("nginx on " + LAYOUT.nodeName(node) + " did not answer");
    }

    @Test
    void proberWatchAndFaultsMeasureAHandMadeFailover() {
        startSite(1);
        startSite(2);
        assertThat(awaitPage(1).body().strip()).isEqualTo("served by n1");
        assertThat(awaitPage(2).body().strip()).isEqualTo("served by n2");
        addVip(1);

        try (VipWatch watch = VipWatch.start(LAYOUT);
                ProberProcess prober = ProberProcess.start(LAYOUT, HavenRuntime.current())) {
            assertThat(watch.holders()).containsExactly(1);
            assertThat(prober.awaitGoodAnswer(System.nanoTime(), Duration.ofSeconds(10)))
                    .hasValueSatisfying(p -> assertThat(p.detail()).isEqualTo("served by n1"));

            Faults faults = new Faults(lab, watch::pids);
            Faults.Injected kill = faults.kill(1);
            // power loss: nothing left in the namespace but our watcher, no VIP, link down
            assertThat(Netns.pids(LAYOUT.nodeNamespace(1))).isSubsetOf(watch.pids());
            assertThat(Netns.ipv4Addresses(LAYOUT.nodeNamespace(1))).doesNotContain(LAYOUT.vip());
            assertThat(lab.network().attached(1)).isFalse();
            Pids.sleep(300);
            assertThat(prober.firstAnswerSentAfter(kill.effectiveNanos(), ProbeResult::ok)).isEmpty();
            assertThat(watch.holders()).isEmpty();

            addVip(2); // the "cluster" fails over
            // the client's ARP entry still names n1's MAC until it expires; a gratuitous ARP is the agent's job
            Exec.run(Duration.ofSeconds(5), Netns.execIn(LAYOUT.nodeNamespace(2), "arping", "-q", "-U", "-c", "1", "-I", "eth0", LAYOUT.vip()));
            var back = prober.awaitGoodAnswer(kill.effectiveNanos(), Duration.ofSeconds(20));
            assertThat(back).hasValueSatisfying(p -> assertThat(p.detail()).isEqualTo("served by n2"));
            assertThat((back.get().endNanos() - kill.effectiveNanos()) / 1_000_000).isGreaterThanOrEqualTo(300);
            assertThat(watch.holders()).containsExactly(2);
            assertThat(watch.splitBrainNanos()).isZero();

            // two holders for about 300 ms count as split brain, and only those 300 ms
            addVip(3);
            Pids.sleep(300);
            delVip(3);
            Pids.sleep(100);
            assertThat(watch.splitBrainNanos() / 1_000_000).isBetween(250L, 600L);
        }
    }

    @Test
    void killServiceKillsOnlyTheWebServer() {
        long bystander = Detached.start(LAYOUT.nodeNamespace(3), List.of("sleep", "300"),
                lab.cluster().state().log("n3-sleep"), Map.of());
        long site = startSite(3);
        awaitPage(3);
        new Faults(lab).killService(3);
        assertThat(Pids.alive(site)).isFalse();
        assertThat(Netns.pids(LAYOUT.nodeNamespace(3)).stream().filter(Faults::isNginx)).isEmpty();
        assertThat(Pids.alive(bystander)).isTrue();
    }

    @Test
    void pauseStopsAndResumeContinuesTheRecordedDaemon() {
        // a stand-in daemon, recorded as the lab records the real one
        long pid = Detached.start(LAYOUT.nodeNamespace(2), List.of("sleep", "300"),
                lab.cluster().state().log("n2-fake"), Map.of());
        lab.cluster().state().recordPid("n2", pid);
        Faults faults = new Faults(lab);
        faults.pause(2);
        Pids.sleep(100);
        assertThat(Pids.stopped(pid)).isTrue();
        faults.resume(2);
        Pids.sleep(100);
        assertThat(Pids.stopped(pid)).isFalse();
        assertThat(lab.cluster().pid(2)).contains(pid);
    }
}
