package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The lab's readers of other programs' output: ip, the prober, the daemon's status. */
class LabParsingTest {

    @Test
    void ipAddrLinesGiveAddressesAndPrefixes() {
        String out = """
                1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
                2: eth0    inet 10.231.14.11/24 scope global eth0\\       valid_lft forever preferred_lft forever
                2: eth0    inet 10.231.14.100/24 brd 10.231.14.255 scope global secondary eth0\\       valid_lft forever
                """;
        assertThat(Netns.parseAddrLines(out)).containsExactly("127.0.0.1", "10.231.14.11", "10.231.14.100");
        assertThat(Netns.parseCidrLines(out)).contains("10.231.14.100/24");
    }

    @Test
    void proberLinesRoundTrip() {
        assertThat(ProbeResult.parse("100 250 OK served by n2")).contains(new ProbeResult(100, 250, true, "served by n2"));
        assertThat(ProbeResult.parse("100 400 FAIL SocketTimeoutException").orElseThrow().ok()).isFalse();
        assertThat(ProbeResult.parse("garbage")).isEmpty();
    }

    @Test
    void proberReadsStatusAndFirstBodyLine() {
        assertThat(Prober.parse("HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\nserved by n3\n")).isEqualTo("OK served by n3");
        assertThat(Prober.parse("HTTP/1.1 502 Bad Gateway\r\n\r\n")).isEqualTo("FAIL HTTP/1.1_502_Bad_Gateway");
        assertThat(Prober.parse("")).startsWith("FAIL");
    }

    @Test
    void statusDocumentIsReducedToWhatTheLabChecks() {
        String json = """
                {"cluster":"hvlab","node":"n1","coordinator":"n2","quorate":true,"members":["n1","n2","n3"],
                 "nodes":[{"name":"n1","online":true,"standby":false}],"version":7,
                 "groups":[{"name":"web","node":"n1","generation":3,"started":true,
                            "resources":[{"name":"vip","state":"started"}]}],"failures":[]}
                """;
        HaStatus s = HaStatus.parse(json).orElseThrow();
        assertThat(s.coordinator()).isEqualTo("n2");
        assertThat(s.members()).containsExactly("n1", "n2", "n3");
        assertThat(s.group("web")).contains(new HaStatus.Group("web", "n1", 3, true));
        assertThat(s.version()).isEqualTo(7);
        assertThat(s.summary()).contains("web on n1 (started, gen 3)");
        // a group placed nowhere and no coordinator are nulls in the document
        HaStatus none = HaStatus.parse("{\"coordinator\":null,\"groups\":[{\"name\":\"web\",\"node\":null}]}").orElseThrow();
        assertThat(none.coordinator()).isEmpty();
        assertThat(none.group("web").orElseThrow().node()).isEmpty();
    }

    @Test
    void benchReportHasMedianMaxAndOneJsonObject() {
        BenchReport r = new BenchReport("kill", 4, List.of(300L, 100L, 400L, 200L), List.of(), 0, 81.26, List.of(0L, 12L, 0L, 0L), 0);
        assertThat(r.medianMs()).isEqualTo(250);
        assertThat(r.maxMs()).isEqualTo(400);
        assertThat(r.json()).isEqualTo("{\"fault\":\"kill\",\"trials\":4,\"outage_ms\":[300,100,400,200],"
                + "\"median_ms\":250,\"max_ms\":400,\"split_brain_ms\":0,\"rss_mb_max\":81.3,\"failed\":0,"
                + "\"refused_ms\":[0,12,0,0],\"refused_max_ms\":12,\"guard_acted\":0}");
    }

    @Test
    void refusalsCountOnlyResetsSentInTheWindow() {
        List<ProbeResult> rs = List.of(
                new ProbeResult(1_000_000, 301_000_000, false, "SocketTimeoutException"), // dead holder: not a refusal
                new ProbeResult(5_000_000, 6_000_000, false, "ConnectException"), // before the window
                new ProbeResult(400_000_000, 401_000_000, false, "ConnectException"),
                new ProbeResult(410_000_000, 411_000_000, true, "served by n2"),
                new ProbeResult(420_000_000, 433_000_000, false, "ConnectException"),
                new ProbeResult(900_000_000, 901_000_000, false, "ConnectException")); // after the window
        Refusals r = Refusals.between(rs, 10_000_000, 500_000_000);
        assertThat(r).isEqualTo(new Refusals(2, 33));
        assertThat(Refusals.between(rs, 10_000_000, 300_000_000)).isEqualTo(new Refusals(0, 0));
    }

    @Test
    void theGuardActedOnlyWhereAStepEndedSomething() {
        assertThat(GuardActions.forcedOff("11:31:39.960 guard of n1:   vip: address 10.0.0.100/24 removed from eth0", "n1")).isTrue();
        assertThat(GuardActions.forcedOff("11:31:39.960 guard of n1:   site: process group 7501 killed", "n1")).isTrue();
        assertThat(GuardActions.forcedOff("11:31:39.960 guard of n1: second look:  site: process group 7 killed", "n1")).isTrue();
        // the daemon had stopped it: nothing was forced off
        assertThat(GuardActions.forcedOff("11:31:39.960 guard of n1:   vip: no address 10.0.0.100/24 here", "n1")).isFalse();
        assertThat(GuardActions.forcedOff("11:31:39.960 guard of n1:   site: no process left in group 7501", "n1")).isFalse();
        assertThat(GuardActions.forcedOff("11:31:39.911 guard of n1: forcing off [site, vip]: deadline passed 1 ms ago", "n1")).isFalse();
        assertThat(GuardActions.forcedOff("11:31:39.960 guard of n2:   vip: address 10.0.0.100/24 removed from eth0", "n1")).isFalse();
    }
}
