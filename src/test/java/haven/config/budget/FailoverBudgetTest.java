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
        assertThat(b.leaseWait()).isEqualTo(Duration.ofMillis(500));     // 400ms lease + 100ms margin
        assertThat(b.fence()).isZero();
        assertThat(b.plan()).isEqualTo(Duration.ofMillis(80));
        assertThat(b.probeStart()).isEqualTo(Duration.ofSeconds(30));    // 10s probe + 20s start
        assertThat(b.worstCase()).isEqualTo(Duration.ofMillis(31_160));
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
        assertThat(b.worstCase()).isEqualTo(Duration.ofMillis(1160 + 8000));
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
        assertThat(b.leaseWait()).isEqualTo(Duration.ofMillis(1250));
        assertThat(b.plan()).isEqualTo(Duration.ofMillis(200));
        assertThat(b.worstCase()).isEqualTo(Duration.ofMillis(2300 + 200 + 1250 + 200 + 2000));
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
        assertThat(r.groups().get(0).worstCase()).isEqualTo(Duration.ofMillis(1160 + 4000 + 2000));
        assertThat(BudgetTable.render(r)).contains("fence = slowest fencing path + delay");
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
