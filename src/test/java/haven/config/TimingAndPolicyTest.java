package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingAndPolicyTest {

    @Test
    void badDurationNamesTheKeyAndTheSyntax() {
        ConfigProblem p = onlyProblem(HEAD + "timing:\n  heartbeat: 80\n", 8, 14, "timing.heartbeat '80' is not a duration");
        assertThat(p.hint()).contains("500ms, 2s, 10m or 1h");
    }

    @Test
    void fractionalDurationIsNotADuration() {
        onlyProblem(HEAD + "timing:\n  join_timeout: 1.5s\n", 8, 17, "timing.join_timeout '1.5s' is not a duration");
    }

    @Test
    void absurdlyLongDurationIsRejected() {
        onlyProblem(HEAD + "policy:\n  failure_window: 200h\n", 8, 19, "policy.failure_window '200h' is longer than 7 days");
        onlyProblem(HEAD + "timing:\n  lease: 99999999999999999999h\n", 8, 10, "timing.lease", "is not a duration");
    }

    @Test
    void zeroTimeoutIsRejected() {
        onlyProblem(HEAD + "timing:\n  verify_timeout: 0ms\n", 8, 19, "timing.verify_timeout must be longer than zero");
    }

    @Test
    void leaseMustBeShorterThanFailureDetection() {
        ConfigProblem p = onlyProblem(HEAD + "timing:\n  lease: 500ms\n", 8, 10,
                "timing.lease (500ms) must be shorter than failure_timeout + verify_timeout (500ms)");
        assertThat(p.hint()).contains("isolated node", "majority");
    }

    @Test
    void leaseRuleBlamesFailureTimeoutWhenLeaseIsTheDefault() {
        onlyProblem(HEAD + "timing:\n  failure_timeout: 250ms\n", 8, 20, "timing.lease (400ms)", "(350ms)");
    }

    @Test
    void heartbeatMustBeLessThanHalfTheFailureTimeout() {
        // Three heartbeats must fit in the lease, which must end within failure_timeout + verify_timeout.
        ConfigProblem p = onlyProblem(HEAD + "timing:\n  heartbeat: 90ms\n  failure_timeout: 180ms\n  lease: 275ms\n", 8, 14,
                "timing.heartbeat (90ms) must be less than half of failure_timeout (180ms)");
        assertThat(p.hint()).contains("two heartbeats");
    }

    @Test
    void timingIsRead() throws Exception {
        ClusterConfig c = valid(HEAD + """
                timing:
                  heartbeat: 100ms
                  failure_timeout: 1s
                  verify_timeout: 200ms
                  lease: 1s
                  lease_margin: 250ms
                  join_timeout: 2s
                """);
        assertThat(c.timing()).isEqualTo(new Timing(Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofSeconds(2)));
    }

    @Test
    void migrationThresholdBelowOne() {
        ConfigProblem p = onlyProblem(HEAD + "policy:\n  migration_threshold: 0\n", 8, 24,
                "policy.migration_threshold 0 is out of range");
        assertThat(p.hint()).contains("at least 1");
    }

    @Test
    void stickinessMustBeABoolean() {
        onlyProblem(HEAD + "policy:\n  stickiness: sometimes\n", 8, 15, "policy.stickiness must be true or false");
    }

    @Test
    void policyIsRead() throws Exception {
        ClusterConfig c = valid(HEAD + "policy:\n  stickiness: false\n  migration_threshold: 1\n  failure_window: 1h\n");
        assertThat(c.policy()).isEqualTo(new Policy(false, 1, Duration.ofHours(1)));
    }

    @Test
    void multipleActiveIsReadAndAWrongWordGetsASuggestion() throws Exception {
        ClusterConfig c = valid(HEAD + "policy:\n  multiple_active: stop_all\n");
        assertThat(c.policy().multipleActive()).isEqualTo(Policy.MultipleActive.STOP_ALL);
        assertThat(valid(HEAD + "policy:\n  stickiness: true\n").policy().multipleActive()).isEqualTo(Policy.MultipleActive.STOP_EXTRAS);
        ConfigProblem p = onlyProblem(HEAD + "policy:\n  multiple_active: stop_al\n", 8, 20,
                "policy.multiple_active 'stop_al' is not one of stop_extras, stop_all");
        assertThat(p.hint()).contains("did you mean 'stop_all'");
    }

    @Test
    void sectionThatIsNotAMapping() {
        onlyProblem(HEAD + "timing: fast\n", 7, 9, "timing must be a mapping");
    }
}
