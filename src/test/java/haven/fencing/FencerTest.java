package haven.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import haven.config.fence.Secrets;
import haven.config.fence.FencingTopology;
import haven.config.fence.FenceLevel;
import haven.config.fence.FenceDevice;
import haven.fencing.FenceAttempt.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Fencer over real agent processes (the pretend switch), level by level. */
class FencerTest {
    @TempDir
    Path dir;
    private String agent;
    private Path state;

    @BeforeEach
    void setUp() throws Exception {
        agent = TestAgents.copy(TestAgents.SWITCH, dir).toString();
        state = Files.createDirectory(dir.resolve("state"));
    }

    private FenceDevice device(String name, Map<String, String> extra) {
        return device(name, extra, Duration.ofSeconds(10), Duration.ZERO);
    }

    private FenceDevice device(String name, Map<String, String> extra, Duration timeout, Duration delay) {
        Map<String, String> params = new LinkedHashMap<>(extra);
        params.put("state_dir", state.toString());
        // the plug differs from the node name, as on a PDU
        return new FenceDevice(name, agent, params, Map.of("n1", "outlet1", "n2", "outlet2"), timeout, delay);
    }

    private static Fencer fencer(List<FenceDevice> devices, Map<String, List<FenceLevel>> levels) {
        return new Fencer(new FencingTopology(devices, levels));
    }

    private String power(String plug) throws Exception {
        Path f = state.resolve(plug);
        return Files.exists(f) ? Files.readString(f).strip() : "on";
    }

    @Test
    void firstLevelThatWorksFencesTheNodeAndOffIsConfirmedByStatus() throws Exception {
        Fencer f = fencer(List.of(device("ipmi", Map.of())), Map.of("n2", List.of(FenceLevel.of(1, "ipmi"))));
        FenceOutcome o = f.fence("n2", FenceAction.OFF);
        assertThat(o.fenced()).as(o.summary()).isTrue();
        assertThat(o.level()).isEqualTo(1);
        assertThat(o.summary()).isEqualTo("n2 fenced (off) by level 1 (ipmi)");
        assertThat(o.attempts()).extracting(FenceAttempt::action, FenceAttempt::verdict, FenceAttempt::plug)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(FenceAction.OFF, Verdict.SUCCEEDED, "outlet2"),
                        org.assertj.core.groups.Tuple.tuple(FenceAction.STATUS, Verdict.CONFIRMED_OFF, "outlet2"));
        assertThat(power("outlet2")).isEqualTo("off");
        assertThat(power("outlet1")).isEqualTo("on");
        assertThat(o.attempts().get(0).describe()).startsWith("level 1 ipmi off plug=outlet2: SUCCEEDED (exit 0) in ");
    }

    @Test
    void theAgentIsToldThePlugAndTheNodeName() {
        Fencer f = fencer(List.of(device("pdu", Map.of("echo", "1"))), Map.of("n2", List.of(FenceLevel.of(1, "pdu"))));
        FenceOutcome o = f.fence("n2", FenceAction.OFF);
        assertThat(o.attempts().get(0).outputTail().lines()).contains("plug=outlet2", "nodename=n2");
    }

    @Test
    void aFailedFirstLevelFallsThroughToTheSecond() throws Exception {
        Fencer f = fencer(List.of(device("ipmi", Map.of("fail", "1")), device("pdu", Map.of())),
                Map.of("n2", List.of(FenceLevel.of(1, "ipmi"), FenceLevel.of(2, "pdu"))));
        FenceOutcome o = f.fence("n2", FenceAction.OFF);
        assertThat(o.fenced()).isTrue();
        assertThat(o.level()).isEqualTo(2);
        assertThat(o.attempts()).extracting(FenceAttempt::level, FenceAttempt::device, FenceAttempt::verdict)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1, "ipmi", Verdict.FAILED),
                        org.assertj.core.groups.Tuple.tuple(2, "pdu", Verdict.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple(2, "pdu", Verdict.CONFIRMED_OFF));
        assertThat(o.attempts().get(0).outputTail()).contains("unable to reach switch for plug outlet2");
        assertThat(o.attempts().get(0).exitCode()).isEqualTo(1);
        assertThat(power("outlet2")).isEqualTo("off");
    }

    @Test
    void whenEveryLevelFailsTheOutcomeHoldsEveryAttempt() {
        Fencer f = fencer(List.of(
                        device("ipmi", Map.of("fail", "1")),
                        device("hung", Map.of("hang", "1"), Duration.ofMillis(300), Duration.ZERO),
                        device("stuck", Map.of("stuck", "1"))),
                Map.of("n2", List.of(FenceLevel.of(1, "ipmi"), FenceLevel.of(2, "hung"), FenceLevel.of(3, "stuck"))));
        FenceOutcome o = f.fence("n2", FenceAction.OFF);
        assertThat(o.fenced()).isFalse();
        assertThat(o.level()).isZero();
        assertThat(o.attempts()).extracting(FenceAttempt::device, FenceAttempt::action, FenceAttempt::verdict)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("ipmi", FenceAction.OFF, Verdict.FAILED),
                        org.assertj.core.groups.Tuple.tuple("hung", FenceAction.OFF, Verdict.TIMED_OUT),
                        org.assertj.core.groups.Tuple.tuple("stuck", FenceAction.OFF, Verdict.SUCCEEDED),
                        org.assertj.core.groups.Tuple.tuple("stuck", FenceAction.STATUS, Verdict.STILL_ON));
        assertThat(o.summary()).startsWith("n2 could not be fenced (off): level 1: ")
                .contains("level 2: ", "TIMED_OUT", "level 3: stuck reported off done, but its status still says outlet2 is on");
    }

    @Test
    void everyDeviceOfALevelMustSucceed() throws Exception {
        Fencer f = fencer(List.of(device("psu1", Map.of()), device("psu2", Map.of("fail", "3")), device("ipmi", Map.of())),
                Map.of("n1", List.of(FenceLevel.of(1, "psu1", "psu2"), FenceLevel.of(2, "ipmi"))));
        FenceOutcome o = f.fence("n1", FenceAction.OFF);
        assertThat(o.level()).isEqualTo(2);
        assertThat(o.attempts()).extracting(FenceAttempt::device).containsExactly("psu1", "psu1", "psu2", "ipmi", "ipmi");
        assertThat(o.attempts().get(2).exitCode()).isEqualTo(3);
    }

    @Test
    void rebootOfAMultiDeviceLevelIsOffOnAllThenOnOnAll() throws Exception {
        Fencer f = fencer(List.of(device("psu1", Map.of()), device("psu2", Map.of())),
                Map.of("n1", List.of(FenceLevel.of(1, "psu1", "psu2"))));
        FenceOutcome o = f.fence("n1", FenceAction.REBOOT);
        assertThat(o.fenced()).isTrue();
        assertThat(o.attempts()).extracting(FenceAttempt::device, FenceAttempt::action).containsExactly(
                org.assertj.core.groups.Tuple.tuple("psu1", FenceAction.OFF),
                org.assertj.core.groups.Tuple.tuple("psu1", FenceAction.STATUS),
                org.assertj.core.groups.Tuple.tuple("psu2", FenceAction.OFF),
                org.assertj.core.groups.Tuple.tuple("psu2", FenceAction.STATUS),
                org.assertj.core.groups.Tuple.tuple("psu1", FenceAction.ON),
                org.assertj.core.groups.Tuple.tuple("psu2", FenceAction.ON));
        assertThat(Files.readAllLines(state.resolve("log"))).containsExactly("off outlet1", "off outlet1", "on outlet1", "on outlet1");
        assertThat(power("outlet1")).isEqualTo("on");
    }

    @Test
    void theStaticDelayComesBeforeCuttingPowerOnly() {
        // Time that moves only when the fencer pauses: the agents run for real, the delay is only recorded.
        java.util.concurrent.atomic.AtomicLong nowMs = new java.util.concurrent.atomic.AtomicLong(1_000);
        List<Duration> pauses = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.time.Instant origin = java.time.Instant.parse("2026-01-01T00:00:00Z");
        java.time.Clock clock = new java.time.Clock() {
            @Override public java.time.ZoneId getZone() { return java.time.ZoneOffset.UTC; }
            @Override public java.time.Clock withZone(java.time.ZoneId z) { return this; }
            @Override public java.time.Instant instant() { return origin.plusMillis(nowMs.get()); }
        };
        Fencer f = new Fencer(new FencingTopology(List.of(device("slow", Map.of(), Duration.ofSeconds(10), Duration.ofMillis(400))),
                Map.of("n2", List.of(FenceLevel.of(1, "slow")))), AgentLocator.standard(), new FenceAgentRunner(), clock,
                nowMs::get, d -> {
                    pauses.add(d);
                    nowMs.addAndGet(d.toMillis());
                });
        FenceOutcome off = f.fence("n2", FenceAction.OFF);
        assertThat(off.fenced()).isTrue();
        assertThat(pauses).containsExactly(Duration.ofMillis(400));
        assertThat(off.elapsed()).isEqualTo(Duration.ofMillis(400));
        // The power was cut after the delay, and the status check runs without one.
        assertThat(off.attempts()).extracting(FenceAttempt::startedAt).containsOnly(origin.plusMillis(1_400));
        FenceOutcome on = f.fence("n2", FenceAction.ON);
        assertThat(on.fenced()).isTrue();
        assertThat(on.attempts()).singleElement().extracting(FenceAttempt::action).isEqualTo(FenceAction.ON);
        assertThat(pauses).as("powering on waits for no delay").hasSize(1);
    }

    @Test
    void aNodeWithoutLevelsCannotBeFencedAndSaysHowToFixIt() {
        Fencer f = fencer(List.of(device("ipmi", Map.of())), Map.of("n2", List.of(FenceLevel.of(1, "ipmi"))));
        FenceOutcome o = f.fence("n1", FenceAction.OFF);
        assertThat(o.fenced()).isFalse();
        assertThat(o.attempts()).isEmpty();
        assertThat(o.summary()).isEqualTo("no fence device can fence n1: add a device that lists n1 among its nodes");
    }

    @Test
    void aMissingAgentFailsItsLevelWithTheReason() {
        FenceDevice ghost = new FenceDevice("ghost", "fence_haven_test_no_such_agent", Map.of(), Map.of("n2", "n2"),
                Duration.ofSeconds(5), Duration.ZERO);
        Fencer f = fencer(List.of(ghost, device("pdu", Map.of())),
                Map.of("n2", List.of(FenceLevel.of(1, "ghost"), FenceLevel.of(2, "pdu"))));
        FenceOutcome o = f.fence("n2", FenceAction.OFF);
        assertThat(o.level()).isEqualTo(2);
        assertThat(o.attempts().get(0).outputTail()).contains("fence_haven_test_no_such_agent' not found", "apt-get install fence-agents");
    }

    @Test
    void checkDevicesReportsParameterProblemsBeforeTheyMatter() {
        Fencer f = new Fencer(FencingTopology.oneLevelPerDevice(List.of(
                device("good", Map.of()),
                new FenceDevice("typo", agent, Map.of("stat_dir", "/x"), Map.of("n1", "n1"), Duration.ofSeconds(5), Duration.ZERO))));
        assertThat(f.checkDevices()).extracting(ParameterProblem::toString).containsExactlyInAnyOrder(
                "fence device 'typo': parameter 'stat_dir' is not known to fence_test_switch; did you mean 'state_dir'?",
                "fence device 'typo': parameter 'state_dir' (Folder of plug state files) is required by fence_test_switch;"
                        + " add state_dir=... to the device's parameters");
    }

    @Test
    void topologyIsCheckedAsAWhole() {
        FenceDevice ipmi = device("ipmi", Map.of());
        assertThatThrownBy(() -> new FencingTopology(List.of(ipmi, ipmi), Map.of()))
                .hasMessage("two fence devices are named 'ipmi'; rename one");
        assertThatThrownBy(() -> new FencingTopology(List.of(ipmi), Map.of("n2", List.of(FenceLevel.of(1, "impi")))))
                .hasMessage("fence level 1 of node 'n2' names device 'impi', which is not defined; devices are [ipmi] (did you mean 'ipmi'?)");
        assertThatThrownBy(() -> new FencingTopology(List.of(ipmi), Map.of("n3", List.of(FenceLevel.of(1, "ipmi")))))
                .hasMessageContaining("uses device 'ipmi', which cannot fence it").hasMessageContaining("add n3 to the device's nodes");
        assertThatThrownBy(() -> new FencingTopology(List.of(ipmi), Map.of("n2", List.of(FenceLevel.of(1, "ipmi"), FenceLevel.of(1, "ipmi")))))
                .hasMessage("node 'n2' has two fence levels numbered 1; number them 1, 2, ...");
        FencingTopology t = new FencingTopology(List.of(ipmi, device("pdu", Map.of())),
                Map.of("n1", List.of(FenceLevel.of(2, "pdu"), FenceLevel.of(1, "ipmi"))));
        assertThat(t.levelsFor("n1")).extracting(FenceLevel::index).containsExactly(1, 2);
        assertThat(FencingTopology.oneLevelPerDevice(List.of(ipmi, device("pdu", Map.of()))).levelsFor("n2"))
                .containsExactly(FenceLevel.of(1, "ipmi"), FenceLevel.of(2, "pdu"));
    }

    @Test
    void devicesRefuseWhatHavenSetsItselfAndBadValues() {
        assertThatThrownBy(() -> new FenceDevice("d", agent, Map.of("plug", "3"), Map.of("n1", "n1"), Duration.ofSeconds(5), Duration.ZERO))
                .hasMessageContaining("sets parameter 'plug', which haven sets itself");
        assertThatThrownBy(() -> new FenceDevice("d", agent, Map.of(), Map.of(), Duration.ofSeconds(5), Duration.ZERO))
                .hasMessage("fence device 'd' fences no node: list the nodes it can power off");
        assertThatThrownBy(() -> new FenceDevice("d", agent, Map.of(), Map.of("n1", "n1"), Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("needs a positive timeout");
        assertThatThrownBy(() -> new FenceDevice("bad name", agent, Map.of(), Map.of("n1", "n1"), Duration.ofSeconds(5), Duration.ZERO))
                .hasMessageContaining("fence device name 'bad name' is not valid");
        FenceDevice d = FenceDevice.namedPlugs("vm", "fence_virsh", Map.of("password", "hunter22"), List.of("n1", "n2"),
                FenceDevice.DEFAULT_TIMEOUT, Duration.ZERO);
        assertThat(d.plugFor("n2")).contains("n2");
        assertThat(d.toString()).doesNotContain("hunter22").contains("password=" + Secrets.MASK);
    }
}
