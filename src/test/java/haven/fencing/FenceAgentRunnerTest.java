package haven.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.fence.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FenceAgentRunnerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private final FenceAgentRunner runner = new FenceAgentRunner();
    @TempDir
    Path dir;
    private List<String> agent;
    private Path state;

    @BeforeEach
    void setUp() throws Exception {
        agent = List.of(TestAgents.copy(TestAgents.SWITCH, dir).toString());
        state = Files.createDirectory(dir.resolve("state"));
    }

    private AgentRun run(FenceAction action, Map<String, String> params) {
        var all = new java.util.LinkedHashMap<String, String>(params);
        all.putIfAbsent("state_dir", state.toString());
        return runner.run(agent, action, all, TIMEOUT);
    }

    @Test
    void argumentsArriveAsKeyValueLinesOnStdinWithTheActionFirst() {
        AgentRun r = run(FenceAction.MONITOR, Map.of("echo", "1", "ip", "10.0.0.5"));
        assertThat(r.ok()).as(r.describe()).isTrue();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo("action=monitor");
        assertThat(lines).contains("ip=10.0.0.5", "echo=1", "state_dir=" + state);
        assertThat(r.args()).startsWith("action=monitor");
    }

    @Test
    void offSucceedsAndStatusTellsOnFromOff() throws Exception {
        AgentRun before = run(FenceAction.STATUS, Map.of("plug", "n2"));
        assertThat(before.power()).isEqualTo(PowerState.ON);
        assertThat(before.ok()).isTrue();

        AgentRun off = run(FenceAction.OFF, Map.of("plug", "n2"));
        assertThat(off.ok()).as(off.describe()).isTrue();
        assertThat(off.exitCode()).isZero();
        assertThat(Files.readString(state.resolve("n2")).strip()).isEqualTo("off");

        AgentRun after = run(FenceAction.STATUS, Map.of("plug", "n2"));
        assertThat(after.power()).isEqualTo(PowerState.OFF);
        assertThat(after.exitCode()).isEqualTo(2);
        assertThat(after.ok()).as("an answer of off is a successful status run").isTrue();
        assertThat(after.result()).isEqualTo("status: off (exit 2)");
    }

    @Test
    void failureCarriesTheAgentsMessage() {
        AgentRun r = run(FenceAction.OFF, Map.of("plug", "n2", "fail", "1"));
        assertThat(r.ok()).isFalse();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.describe()).contains("off", "exit 1", "unable to reach switch for plug n2");
    }

    @Test
    void statusErrorIsUnknownNotOff() {
        AgentRun r = run(FenceAction.STATUS, Map.of("state_dir", "")); // no state_dir: the agent fails with 1
        assertThat(r.power()).isEqualTo(PowerState.UNKNOWN);
        assertThat(r.ok()).isFalse();
    }

    @Test
    void hangingAgentIsKilledAtTheTimeoutWithItsWholeProcessGroup() throws Exception {
        Path pidfile = dir.resolve("pids");
        long t0 = System.nanoTime();
        AgentRun r = runner.run(agent, FenceAction.OFF, Map.of("plug", "n2", "hang", "1", "pidfile", pidfile.toString()),
                Duration.ofMillis(500));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.timedOut()).isTrue();
        assertThat(r.ok()).isFalse();
        assertThat(r.result()).contains("timed out");
        assertThat(ms).isBetween(450L, 3_500L);
        List<Long> pids = Arrays.stream(Files.readString(pidfile).strip().split(" ")).map(Long::parseLong).toList();
        assertThat(pids).hasSize(2);
        // a killed child may stay a zombie for a moment until the JVM reaps it: dead all the same
        for (long pid : pids) {
            assertThat(haven.lab.Pids.alive(pid)).as("agent process %d (agent or its child)", pid).isFalse();
        }
    }

    @Test
    void passwordsAreMaskedInArgumentsOutputAndMessages() {
        AgentRun r = run(FenceAction.OFF, Map.of("plug", "n2", "echo", "1", "password", "s3cret-pw", "fail", "1"));
        assertThat(r.stdout()).contains("password=" + Secrets.MASK).doesNotContain("s3cret-pw");
        assertThat(r.args()).contains("password=" + Secrets.MASK).noneMatch(a -> a.contains("s3cret-pw"));
        assertThat(r.describe()).doesNotContain("s3cret-pw");
        assertThat(r.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void listGivesPlugsAndAliases() throws Exception {
        Files.writeString(state.resolve("n1"), "on\n");
        Files.writeString(state.resolve("n2"), "off\n");
        AgentRun r = run(FenceAction.LIST, Map.of());
        assertThat(r.plugs()).containsExactly(new Plug("n1", "outlet n1"), new Plug("n2", "outlet n2"));
    }

    @Test
    void aMissingAgentIsAFailureNamingIt() {
        AgentRun r = runner.run(List.of(dir.resolve("fence_nonexistent").toString()), FenceAction.STATUS,
                Map.of("plug", "n1"), TIMEOUT);
        assertThat(r.ok()).isFalse();
        assertThat(r.describe()).contains("fence_nonexistent");
    }

    @Test
    void aLineBreakInAValueIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> run(FenceAction.OFF, Map.of("plug", "n2\naction=on")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'plug'").hasMessageContaining("line break");
    }

    @Test
    void listOutputParsing() {
        assertThat(Plug.parseList("1,web01\n2,\n3\n\n")).containsExactly(
                new Plug("1", "web01"), new Plug("2", ""), new Plug("3", ""));
    }
}
