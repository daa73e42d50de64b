package haven.config.budget;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.ConfigProblem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each unsafe timer combination is a loader error at the key to change; doubtful settings are budget warnings. */
class BudgetRulesTest {
    /** Lines 7-9 when appended to HEAD: a resource whose stop fits in the default guard window (50ms). */
    private static final String QUICK = """
            resources:
              - { name: a, type: process, params: { command: /bin/a }, stop_timeout: 50ms }
            """;

    @Test
    void aSafeConfigHasNoFindings() throws Exception {
        assertThat(Configs.check(Configs.HEAD + QUICK).findings()).isEmpty();
        assertThat(Configs.check(Configs.HEAD + """
                timing:
                  heartbeat: 60ms
                  failure_timeout: 1s
                  lease: 200ms
                  lease_margin: 50ms
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, stop_timeout: 25ms }
                """).findings()).isEmpty();
    }

    @Test
    void aLeaseShorterThanThreeHeartbeatsIsAnErrorAtTheLease() throws Exception {
        List<ConfigProblem> found = loaderProblems(Configs.HEAD + """
                timing:
                  heartbeat: 100ms
                  failure_timeout: 1s
                  lease: 150ms
                """ + QUICK);
        assertThat(found).hasSize(1);
        assertAt(found.get(0), 10, 10, "timing.lease (150ms) must be at least three times timing.heartbeat (100ms)");
        assertThat(found.get(0).hint()).contains("raise lease to 300ms", "lower heartbeat to 50ms");
    }

    @Test
    void whenOnlyTheHeartbeatIsWrittenTheHeartbeatIsBlamed() throws Exception {
        // The loader wants only two heartbeats within failure_timeout (2 x 210ms < 1s); the default lease (400ms) is shorter than three.
        List<ConfigProblem> found = loaderProblems(Configs.HEAD + """
                timing:
                  heartbeat: 210ms
                  failure_timeout: 1s
                """ + QUICK);
        assertThat(found).hasSize(1);
        assertAt(found.get(0), 8, 14, "timing.lease (400ms) must be at least three times timing.heartbeat (210ms)");
    }

    @Test
    void aLeaseMarginUnder50msIsAnErrorAtTheMargin() throws Exception {
        List<ConfigProblem> found = loaderProblems(Configs.HEAD + """
                timing:
                  lease_margin: 40ms
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, stop_timeout: 20ms }
                """);
        assertThat(found).hasSize(1);
        assertAt(found.get(0), 8, 17, "timing.lease_margin (40ms) must be at least 50ms");
        assertThat(found.get(0).hint()).contains("set lease_margin to 50ms or more");
    }

    @Test
    void aStopLongerThanTheGuardWindowIsAWarningAtTheStopTimeout() throws Exception {
        String yaml = Configs.HEAD + """
                resources:
                  - name: a
                    type: process
                    params: { command: /bin/a }
                    stop_timeout: 2s
                """;
        List<Finding> found = Configs.check(yaml).findings();
        assertThat(found).hasSize(1);
        Finding f = found.get(0);
        assertThat(f.isError()).isFalse();
        assertAt(f.problem(), 11, 19, "resources[a]", "until 2.0s after it began", "force-stops it at 250ms");
        assertThat(f.toString()).startsWith("test.yaml:11:19: warning: resources[a]");
    }

    @Test
    void stopsAddUpInReverseOrderButOnlyAWrittenStopTimeoutIsWarnedAbout() throws Exception {
        String yaml = Configs.HEAD + """
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, stop_timeout: 30ms }
                  - name: b
                    type: process
                    params: { command: /bin/b }
                groups:
                  - { name: g, members: [a, b] }
                """;
        List<Finding> found = Configs.check(yaml).findings();
        // b stops first (default 20s); a, stopped after it, can end no sooner than 20.1s after the stop began. b's
        // own default says nothing of what b needs, so only a, whose timeout was written, is warned about.
        assertThat(found).hasSize(1);
        assertAt(found.get(0).problem(), 8, 74, "resources[a]", "20.1s", "after b");
    }

    @Test
    void aGroupSlowerThanAMinuteIsAWarningAtItsName() throws Exception {
        String yaml = Configs.HEAD + """
                resources:
                  - { name: a, type: process, params: { command: /bin/a }, stop_timeout: 10ms }
                  - { name: b, type: process, params: { command: /bin/b }, stop_timeout: 10ms }
                  - { name: c, type: process, params: { command: /bin/c }, stop_timeout: 10ms }
                groups:
                  - name: slow
                    members: [a, b, c]
                """;
        List<Finding> found = Configs.check(yaml).findings();
        assertThat(found).hasSize(1);
        assertThat(found.get(0).isError()).isFalse();
        assertAt(found.get(0).problem(), 12, 11, "groups[slow]", "up to 70.8s", "70.0s is probing and starting");
    }

    @Test
    void inTheShortFormAWarningPointsAtTheLineOfItsGroup() throws Exception {
        String yaml = Configs.HEAD + """
                haresources:
                  - "n1 ipaddr:10.0.0.100/24"
                  - "n1 ipaddr:10.0.0.101/24 ipaddr:10.0.0.102/24 process:web=/usr/sbin/nginx"
                """;
        List<Finding> found = Configs.check(yaml).findings();
        // Three default starts (3 x 20s) and a probe make the second line's group slower than a minute.
        assertThat(found).extracting(f -> f.problem().line()).containsExactly(9);
        assertThat(found.get(0).problem().message()).contains("groups[");
    }

    /** The timing rules are the loader's, so that a daemon refuses at start what the check refuses. */
    private static List<ConfigProblem> loaderProblems(String yaml) {
        try {
            Configs.load(yaml);
        } catch (haven.config.ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("the loader accepted a config with an unsafe timer");
    }

    private static void assertAt(ConfigProblem p, int line, int column, String... words) {
        assertThat(p.source()).isEqualTo("test.yaml");
        assertThat(p.line() + ":" + p.column()).as("place of %s", p).isEqualTo(line + ":" + column);
        assertThat(p.message()).contains(words);
        assertThat(p.hint()).as("hint of %s", p).isNotBlank();
    }
}
