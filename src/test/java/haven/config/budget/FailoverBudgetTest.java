package haven.config.budget;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.GroupId;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailoverBudgetTest {

    @Test
    void defaultTimersAndOneDefaultResource() throws Exception {
        String yaml = Configs.HEAD + """
                resources:
                  - name: site
                    type: process
                    params: { command: /bin/true }
                """;
        GroupBudget b = Configs.check(yaml).groups().get(0);
        assertThat(b.group()).isEqualTo(GroupId.of("site"));
        assertThat(b.detect()).isEqualTo(Duration.ofMillis(500));       // 400ms failure + 100ms verify
        assertThat(b.confirm()).isEqualTo(Duration.ofMillis(80));        // one heartbeat
        assertThat(b.leaseWait()).isEqualTo(Duration.ofMillis(70));      // 400ms lease + 2.5 x 100ms margin - 580ms
        assertThat(b.fence()).isZero();
        assertThat(b.plan()).isEqualTo(Duration.ofMillis(80));
        assertThat(b.probeStart()).isEqualTo(Duration.ofSeconds(30));    // 10s probe + 20s start
        assertThat(b.worstCase()).isEqualTo(Duration.ofMillis(30_730));
    }

    @Test
    void aGroupAddsItsStartTimeoutsAndWaitsForItsSlowestProbe() throws Exception {
        String yaml = Configs.HEAD + """
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, start_timeout: 1s, monitor_timeout: 500ms }
                  - { name: b, type: process, params: { command: /bin/b }, start_timeout: 2s, monitor_timeout: 2s }
                  - { name: c, type: process, params: { command: /bin/c }, start_timeout: 3s, monitor_timeout: 1s }
                groups:
                  - { name: app, members: [a, b, c] }
                """;
        GroupBudget b = Configs.check(yaml).groups().get(0);
        assertThat(b.group()).isEqualTo(GroupId.of("app"));
        assertThat(b.probeStart()).isEqualTo(Duration.ofSeconds(2 + 1 + 2 + 3));
        assertThat(b.worstCase()).isEqualTo(Duration.ofMillis(730 + 8000));
    }

    @Test
    void everyGroupGetsItsOwnRow() throws Exception {
        String yaml = Configs.HEAD + """
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, start_timeout: 1s, monitor_timeout: 1s }
                  - { name: b, type: process, params: { command: /bin/b }, start_timeout: 4s, monitor_timeout: 1s }
                """;
        assertThat(Configs.check(yaml).groups()).extracting(g -> g.group().name(), g -> g.probeStart().toSeconds())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 2L), org.assertj.core.groups.Tuple.tuple("b", 5L));
    }

    @Test
    void timersFromTheTimingSectionFeedEachTerm() throws Exception {
        String yaml = Configs.HEAD + """
                timing:
                  heartbeat: 200ms
                  failure_timeout: 2s
                  verify_timeout: 300ms
                  lease: 1s
                  lease_margin: 250ms
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, start_timeout: 1s, monitor_timeout: 1s }
                """;
        GroupBudget b = Configs.check(yaml).groups().get(0);
        assertThat(b.detect()).isEqualTo(Duration.ofMillis(2300));
        assertThat(b.confirm()).isEqualTo(Duration.ofMillis(200));
        // 1s lease + 2.5 x 250ms = 1625ms from the death: detection and confirmation (2500ms) took longer.
        assertThat(b.leaseWait()).isZero();
        assertThat(b.plan()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.worstCase()).isEqualTo(Duration.ofMillis(2300 + 200 + 200 + 2000));
    }

    @Test
    void aFencingTermIsItsOwnColumnAndAddsToTheWorstCase() throws Exception {
        String yaml = Configs.HEAD + """
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, start_timeout: 1s, monitor_timeout: 1s }
                """;
        FencingTerm fencing = new FencingTerm(Duration.ofSeconds(3), Duration.ofSeconds(1));
        BudgetReport r = BudgetCheck.run(Configs.load(yaml), yaml, "test.yaml", fencing);
        assertThat(r.groups().get(0).fence()).isEqualTo(Duration.ofSeconds(4));
        assertThat(r.groups().get(0).worstCase()).isEqualTo(Duration.ofMillis(730 + 4000 + 2000));
        assertThat(BudgetTable.render(r)).contains("fence = slowest fencing path + delay");
    }

    /** Three nodes and a witness; n1 has an IPMI device (10s, delay 2s) then the PDU (5s); w a slow device. */
    private static final String FENCED = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
              - { name: w, address: 10.0.0.9, role: witness }
            resources:
              - { name: a, type: process, params: { command: /bin/a }, start_timeout: 1s, monitor_timeout: 1s }
            fencing:
              devices:
                - { name: ipmi-n1, agent: fence_ipmilan, hosts: [n1], timeout: 10s, delay: 2s }
                - { name: pdu, agent: fence_apc, hosts: [n1, n2], timeout: 5s }
                - { name: witness-vm, agent: fence_virsh, hosts: [w], timeout: 60s }
            """;

    @Test
    void theFenceColumnIsTheSlowestServiceNodesLevelsOneAfterTheOther() throws Exception {
        BudgetReport r = Configs.check(FENCED);
        // n1: level 1 ipmi-n1 (2s delay + 10s off + 10s status) fails at its end, then level 2 pdu (5s + 5s).
        // n2 needs only 10s; n3 cannot be fenced; the witness's slow device delays no group.
        assertThat(r.fencing()).isEqualTo(new FencingTerm(Duration.ofSeconds(30), Duration.ofSeconds(2)));
        assertThat(r.groups().get(0).fence()).isEqualTo(Duration.ofSeconds(32));
        assertThat(r.groups().get(0).worstCase()).isEqualTo(Duration.ofMillis(730 + 32_000 + 2000));
        assertThat(BudgetTable.render(r)).contains("fence = slowest fencing path + delay");
    }

    @Test
    void levelsOfSeveralDevicesAddEveryDevice() throws Exception {
        BudgetReport r = Configs.check(FENCED + "  levels:\n    n2: [[pdu], [pdu]]\n    n1: [[ipmi-n1, pdu]]\n");
        // Written levels replace n1's default; both levels of n2 add up: 2 x (5s + 5s).
        assertThat(r.fencing().total()).isEqualTo(Duration.ofSeconds(2 + 20 + 10));
        assertThat(FencingTerm.ofNode(Configs.load(FENCED + "  levels:\n    n2: [[pdu], [pdu]]\n").fencing().orElseThrow(),
                "n2").total()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void aSlowFailoverWarningNamesTheFencingShare() throws Exception {
        BudgetReport r = Configs.check(FENCED.replace("timeout: 10s, delay: 2s", "timeout: 30s, delay: 2s"));
        assertThat(r.warnings()).hasSize(1);
        assertThat(r.warnings().get(0).problem().message()).contains("of which 2.0s is probing and starting its "
                + "members and 72.0s fencing");
        assertThat(r.warnings().get(0).problem().hint()).contains("counts twice (off, then status)");
    }

    @Test
    void withoutFencingTheColumnIsZero() throws Exception {
        BudgetReport r = Configs.check(Configs.HEAD + "resources:\n  - { name: a, type: process, params: { command: /bin/a } }\n");
        assertThat(r.fencing()).isEqualTo(FencingTerm.NONE);
        assertThat(BudgetTable.render(r)).contains("fence = 0 (no fencing configured)");
    }

    @Test
    void humanDurations() {
        assertThat(HumanDuration.format(Duration.ZERO)).isEqualTo("0ms");
        assertThat(HumanDuration.format(Duration.ofMillis(80))).isEqualTo("80ms");
        assertThat(HumanDuration.format(Duration.ofMillis(999))).isEqualTo("999ms");
        assertThat(HumanDuration.format(Duration.ofMillis(1000))).isEqualTo("1.0s");
        assertThat(HumanDuration.format(Duration.ofMillis(1160))).isEqualTo("1.2s");
        assertThat(HumanDuration.format(Duration.ofMillis(1101))).as("a worst case rounds up").isEqualTo("1.2s");
        assertThat(HumanDuration.format(Duration.ofMillis(51_160))).isEqualTo("51.2s");
        assertThat(HumanDuration.format(Duration.ofMinutes(3))).isEqualTo("180.0s");
    }
}
