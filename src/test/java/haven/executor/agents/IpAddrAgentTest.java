package haven.executor.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.ResourceConfig;
import haven.core.ResourceId;
import haven.core.AgentResult.Status;
import haven.process.ProcessRunner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Real addresses, but only inside a network namespace this test creates (a veth pair v0/v1, v0 holding
 * 10.123.0.1/24) and deletes afterwards, so nothing reaches the host's networks.
 */
@Tag("lab")
class IpAddrAgentTest {
    private static final Duration T = Duration.ofSeconds(5);
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final ProcessRunner sh = new ProcessRunner();
    private final List<String> namespaces = new ArrayList<>();
    private String ns;

    private void run(String... argv) {
        var r = sh.run(List.of(argv), T);
        assertThat(r.ok()).as(r.describe()).isTrue();
    }

    private String inNs(String... argv) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        full.addAll(List.of(argv));
        var r = sh.run(full, T);
        assertThat(r.ok()).as(r.describe()).isTrue();
        return r.output();
    }

    @BeforeEach
    void createNamespace() {
        ns = "hvtest-exec-" + ProcessHandle.current().pid() + "-" + SEQ.incrementAndGet();
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        // No IPv6 chatter, so that v1's packet counter counts our ARP only.
        inNs("sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1");
        run("ip", "-n", ns, "link", "add", "v0", "type", "veth", "peer", "name", "v1");
        run("ip", "-n", ns, "link", "set", "v0", "up");
        run("ip", "-n", ns, "link", "set", "v1", "up");
        run("ip", "-n", ns, "addr", "add", "10.123.0.1/24", "brd", "+", "dev", "v0");
    }

    @AfterEach
    void deleteNamespaces() {
        for (String n : namespaces) sh.run(List.of("ip", "netns", "del", n), T);
    }

    private IpAddrAgent agent(Map<String, String> params) {
        var rc = new ResourceConfig(ResourceId.of("vip"), "ipaddr", params, T, T, Duration.ofSeconds(5), T);
        return new IpAddrAgent(rc, List.of("ip", "netns", "exec", ns));
    }

    private String addresses() {
        return inNs("ip", "-o", "-4", "addr", "show");
    }

    private long rxPackets(String dev) {
        return Long.parseLong(inNs("cat", "/sys/class/net/" + dev + "/statistics/rx_packets").strip());
    }

    @Test
    void startFindsTheInterfaceOfTheSubnetAddsWithBroadcastAndAnnouncesInTheBackground() throws Exception {
        IpAddrAgent a = agent(Map.of("address", "10.123.0.50/24"));
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        long rxBefore = rxPackets("v1");

        long t0 = System.nanoTime();
        var r = a.start(T);
        long startMs = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.OK);
        // arping -c 3 takes two seconds; start must not wait for it.
        assertThat(startMs).isLessThan(1000);
        System.out.printf("ipaddr start took %d ms%n", startMs);
        assertThat(addresses()).contains("v0    inet 10.123.0.50/24 brd 10.123.0.255");
        assertThat(a.monitor(T).status()).isEqualTo(Status.OK);

        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (rxPackets("v1") == rxBefore && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(rxPackets("v1")).as("gratuitous ARP reached the peer v1").isGreaterThan(rxBefore);

        assertThat(a.start(T).status()).as("starting again is fine").isEqualTo(Status.OK);
        var stop = a.stop(T);
        assertThat(stop.status()).as(stop.detail()).isEqualTo(Status.OK);
        assertThat(addresses()).doesNotContain("10.123.0.50").contains("10.123.0.1/24");
        assertThat(a.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        assertThat(a.stop(T).status()).as("stopping a stopped address").isEqualTo(Status.OK);
    }

    @Test
    void anAddressAlreadyPresentIsStarted() {
        inNs("ip", "addr", "add", "10.123.0.60/24", "brd", "+", "dev", "v0");
        IpAddrAgent a = agent(Map.of("address", "10.123.0.60/24"));
        assertThat(a.monitor(T).status()).isEqualTo(Status.OK);
        assertThat(a.start(T).status()).isEqualTo(Status.OK);
    }

    @Test
    void nicParameterPutsTheAddressOnThatInterface() {
        IpAddrAgent a = agent(Map.of("address", "10.77.0.5/16", "nic", "v1"));
        var r = a.start(T);
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.OK);
        assertThat(addresses()).contains("v1    inet 10.77.0.5/16 brd 10.77.255.255");
        assertThat(a.stop(T).status()).isEqualTo(Status.OK);
        assertThat(addresses()).doesNotContain("10.77.0.5");
    }

    @Test
    void noInterfaceInTheSubnetIsAConfigErrorNamingAddressAndFix() {
        var r = agent(Map.of("address", "10.200.0.5/24")).start(T);
        assertThat(r.status()).isEqualTo(Status.CONFIG_ERROR);
        assertThat(r.detail()).contains("10.200.0.5/24").contains("10.200.0.0/24").contains("nic");
    }

    @Test
    void aMissingNicIsAConfigError() {
        var r = agent(Map.of("address", "10.123.0.70/24", "nic", "nosuch0")).start(T);
        assertThat(r.status()).as(r.detail()).isEqualTo(Status.CONFIG_ERROR);
        assertThat(r.detail()).contains("nosuch0");
    }

    @Test
    void badAddressesAreRejectedAtCreation() {
        assertThatThrownBy(() -> agent(Map.of("address", "10.123.0.5"))).hasMessageContaining("prefix length");
        assertThatThrownBy(() -> agent(Map.of("address", "10.123.300.5/24"))).hasMessageContaining("300");
        assertThatThrownBy(() -> agent(Map.of())).hasMessageContaining("'address' is required");
    }
}
