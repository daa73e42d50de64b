package haven.config;

import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.config.fence.FenceDevice;
import haven.config.fence.FenceLevel;
import haven.config.fence.FencingTopology;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FencingSectionTest {
    /** Lines 1-9: three nodes, then the fencing section's devices list, whose items start on line 10. */
    private static final String THREE = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            fencing:
              devices:
            """;
    /** Lines 10-19: an IPMI device for n1 (10s, delay 2s) and a PDU for all three (defaults), plugs 7, 8, 9. */
    private static final String DEVICES = THREE + """
                - name: ipmi-n1
                  agent: fence_ipmilan
                  params: { ip: 10.0.0.201, username: admin, password: secret, lanplus: "1" }
                  hosts: [n1]
                  timeout: 10s
                  delay: 2s
                - name: pdu
                  agent: /usr/sbin/fence_apc
                  params: { ip: 10.0.0.210 }
                  hosts: { n1: "7", n2: "8", n3: 9 }
            """;

    @Test
    void devicesAreReadWithTheirPlugsAndTimers() throws Exception {
        FencingTopology t = valid(DEVICES).fencing().orElseThrow();
        assertThat(t.devices()).containsExactly(
                new FenceDevice("ipmi-n1", "fence_ipmilan",
                        Map.of("ip", "10.0.0.201", "username", "admin", "password", "secret", "lanplus", "1"),
                        Map.of("n1", "n1"), Duration.ofSeconds(10), Duration.ofSeconds(2)),
                new FenceDevice("pdu", "/usr/sbin/fence_apc", Map.of("ip", "10.0.0.210"),
                        Map.of("n1", "7", "n2", "8", "n3", "9"), FenceDevice.DEFAULT_TIMEOUT, Duration.ZERO));
    }

    @Test
    void withoutLevelsEachDeviceThatListsANodeIsOneLevelInDeviceOrder() throws Exception {
        FencingTopology t = valid(DEVICES).fencing().orElseThrow();
        assertThat(t.levelsFor("n1")).containsExactly(FenceLevel.of(1, "ipmi-n1"), FenceLevel.of(2, "pdu"));
        assertThat(t.levelsFor("n2")).containsExactly(FenceLevel.of(1, "pdu"));
        assertThat(t.levelsFor("n3")).containsExactly(FenceLevel.of(1, "pdu"));
    }

    @Test
    void writtenLevelsReplaceTheDefaultOfTheirNodeOnly() throws Exception {
        FencingTopology t = valid(DEVICES + "  levels:\n    n1: [pdu, [ipmi-n1]]\n").fencing().orElseThrow();
        assertThat(t.levelsFor("n1")).containsExactly(FenceLevel.of(1, "pdu"), FenceLevel.of(2, "ipmi-n1"));
        assertThat(t.levelsFor("n2")).containsExactly(FenceLevel.of(1, "pdu"));
    }

    @Test
    void aLevelOfSeveralDevicesNeedsThemAll() throws Exception {
        FencingTopology t = valid(DEVICES + "  levels:\n    n1: [[ipmi-n1, pdu]]\n").fencing().orElseThrow();
        assertThat(t.levelsFor("n1")).containsExactly(FenceLevel.of(1, "ipmi-n1", "pdu"));
    }

    @Test
    void aWitnessMayBeFenced() throws Exception {
        FencingTopology t = valid(THREE.replace("name: n3, address: 10.0.0.3", "name: w, address: 10.0.0.3, role: witness")
                + "    - { name: vm, agent: fence_virsh, params: { ip: 10.0.0.250 }, hosts: [n1, n2, w] }\n")
                .fencing().orElseThrow();
        assertThat(t.canFence("w")).isTrue();
    }

    @Test
    void aHostThatIsNotANodeGetsTheNearestName() {
        ConfigProblem p = onlyProblem(THREE + "    - { name: pdu, agent: fence_apc, hosts: [n1, nn2] }\n", 10, 50,
                "fencing.devices[pdu].hosts names 'nn2', which is not a node");
        assertThat(p.hint()).contains("did you mean 'n2'?");
        onlyProblem(THREE + "    - { name: pdu, agent: fence_apc, hosts: { n1: \"1\", n4: \"4\" } }\n", 10, 56,
                "fencing.devices[pdu].hosts names 'n4', which is not a node");
    }

    @Test
    void aHostIsListedOnce() {
        onlyProblem(THREE + "    - { name: pdu, agent: fence_apc, hosts: [n1, n1] }\n", 10, 50,
                "fencing.devices[pdu].hosts node 'n1' is used twice");
    }

    @Test
    void aDeviceNeedsHosts() {
        ConfigProblem p = onlyProblem(THREE + "    - name: pdu\n      agent: fence_apc\n", 10, 7,
                "fencing.devices[pdu].hosts is missing");
        assertThat(p.hint()).contains("hosts: [n1, n2]").contains("n1: \"7\"");
        onlyProblem(THREE + "    - { name: pdu, agent: fence_apc, hosts: [] }\n", 10, 45,
                "fencing.devices[pdu].hosts is empty");
    }

    @Test
    void deviceNamesAreUnique() {
        onlyProblem(DEVICES + "    - { name: pdu, agent: fence_apc, hosts: [n1] }\n", 20, 15,
                "fencing.devices[pdu].name 'pdu' is used twice", "line 16");
    }

    @Test
    void aLevelNamingAnUnknownDeviceGetsTheNearestName() {
        ConfigProblem p = onlyProblem(DEVICES + "  levels:\n    n1: [[ipmi-n1], [pdx]]\n", 21, 22,
                "fencing.levels.n1 level 2 names 'pdx', which is not a fence device");
        assertThat(p.hint()).contains("did you mean 'pdu'?");
    }

    @Test
    void aLevelMayUseOnlyDevicesThatCanFenceItsNode() {
        ConfigProblem p = onlyProblem(DEVICES + "  levels:\n    n2: [[ipmi-n1], pdu]\n", 21, 11,
                "fencing.levels.n2 level 1 uses device 'ipmi-n1', which cannot fence n2");
        assertThat(p.hint()).contains("add n2 to the hosts of ipmi-n1 (it fences n1)");
    }

    @Test
    void levelsAreForNodes() {
        ConfigProblem p = onlyProblem(DEVICES + "  levels:\n    n4: [pdu]\n", 21, 5,
                "fencing.levels names 'n4', which is not a node");
        assertThat(p.hint()).contains("n1");
    }

    @Test
    void aLevelListsADeviceOnce() {
        onlyProblem(DEVICES + "  levels:\n    n1: [[pdu, pdu]]\n", 21, 16, "fencing.levels.n1 level 1 device 'pdu' is used twice");
    }

    @Test
    void anEmptyLevelIsRefused() {
        onlyProblem(DEVICES + "  levels:\n    n1: [[]]\n", 21, 10, "fencing.levels.n1 level 1 is empty");
        onlyProblem(DEVICES + "  levels:\n    n1: []\n", 21, 9, "fencing.levels.n1 lists no level");
    }

    @ParameterizedTest
    @ValueSource(strings = {"action", "plug", "port", "nodename"})
    void parametersHavenSetsItselfAreRefusedAtTheirKey(String name) {
        ConfigProblem p = onlyProblem(THREE + "    - name: pdu\n      agent: fence_apc\n      params: { ip: 10.0.0.210, "
                + name + ": \"3\" }\n      hosts: [n1]\n", 12, 33, "fencing.devices[pdu].params." + name
                + " is set by haven on every run of the agent");
        assertThat(p.hint()).contains("hosts: { n1: \"7\" }");
    }

    @Test
    void whatTheDeviceItselfRefusesBecomesAProblemAtTheDevice() {
        onlyProblem(THREE + "    - name: pdu\n      agent: fence_apc\n      params: { ip: \"10.0.0.210\\nport=3\" }\n"
                + "      hosts: [n1]\n", 10, 7, "fencing.devices[pdu]: fence agent parameter 'ip' has a line break");
    }

    @Test
    void theTimeoutMustBeLongerThanZero() {
        onlyProblem(THREE + "    - { name: pdu, agent: fence_apc, hosts: [n1], timeout: 0s }\n", 10, 60,
                "fencing.devices[pdu].timeout must be longer than zero");
    }

    @Test
    void theDelayIsADuration() {
        onlyProblem(THREE + "    - { name: pdu, agent: fence_apc, hosts: [n1], delay: soon }\n", 10, 58,
                "fencing.devices[pdu].delay 'soon' is not a duration");
    }

    @Test
    void theAgentIsANameOrAnAbsolutePath() {
        ConfigProblem p = onlyProblem(THREE + "    - { name: pdu, agent: sbin/fence_apc, hosts: [n1] }\n", 10, 27,
                "fencing.devices[pdu].agent 'sbin/fence_apc' is a relative path");
        assertThat(p.hint()).contains("/usr/sbin").contains("absolute path");
        onlyProblem(THREE + "    - { name: pdu, agent: \"fence_apc -x\", hosts: [n1] }\n", 10, 27,
                "fencing.devices[pdu].agent 'fence_apc -x' is not one program");
    }

    @Test
    void theSectionNeedsDevices() {
        onlyProblem(THREE.replace("  devices:\n", "  levels: {}\n"), 8, 1, "fencing.devices is missing");
        onlyProblem(THREE.replace("  devices:\n", "  devices: []\n"), 9, 12, "fencing.devices is empty");
    }

    @Test
    void unknownDeviceKeysGetTheNearestKey() {
        ConfigProblem p = onlyProblem(THREE + "    - { name: pdu, agent: fence_apc, hosts: [n1], timout: 5s }\n", 10, 51,
                "unknown key fencing.devices[pdu].timout");
        assertThat(p.hint()).contains("did you mean 'timeout'?");
    }
}
