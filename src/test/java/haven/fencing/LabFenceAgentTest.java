package haven.fencing;

import static org.assertj.core.api.Assertions.assertThat;

import haven.config.fence.FencingTopology;
import haven.config.fence.FenceDevice;
import haven.lab.Detached;
import haven.lab.Exec;
import haven.lab.HavenRuntime;
import haven.lab.Lab;
import haven.lab.LabFiles;
import haven.lab.LabLayout;
import haven.lab.LabNetwork;
import haven.lab.LabState;
import haven.lab.Netns;
import haven.lab.Pids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The lab fence agent for real: a lab without daemons, a process standing in for node 2's workload, and
 * fence_haven_lab run the way a node's daemon would run it, from inside node 1's network namespace. Then
 * the same through the Fencer, from the root namespace. Needs root.
 */
@Tag("lab")
class LabFenceAgentTest {
    private static final String PREFIX = "tfence";
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3);
    /** A JVM starts inside the agent (haven lab fault ...): slow on a busy 2-core host, so be generous. */
    private static final Duration AGENT_TIMEOUT = Duration.ofSeconds(60);
    private static final FenceAgentRunner RUNNER = new FenceAgentRunner();
    private static Lab lab;
    private static Path work;
    private static Path agent;
    private static Path launcher;

    @BeforeAll
    static void build() throws Exception {
        Lab.down(PREFIX); // a previous run killed midway
        LabState state = LabState.create(LAYOUT);
        new LabNetwork(LAYOUT).create();
        new LabFiles(LAYOUT, state).writeAll();
        lab = Lab.open(PREFIX);
        work = Files.createTempDirectory("haven-fence-lab");
        agent = BundledAgents.extractTo(BundledAgents.LAB_AGENT, work);
        launcher = writeLauncher(work);
    }

    @AfterAll
    static void tearDown() throws Exception {
        Lab.down(PREFIX);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
        assertThat(LabState.find(PREFIX)).isEmpty();
        if (work != null) {
            try (Stream<Path> all = Files.walk(work)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    /** A stand-in for ./haven that runs this build's classes, so the test does not depend on target/haven.jar. */
    private static Path writeLauncher(Path dir) throws Exception {
        List<String> cmd = HavenRuntime.current().javaCommand(HavenRuntime.proberOptions(), "haven.cli.Main", List.of());
        List<String> quoted = new ArrayList<>();
        for (String word : cmd) quoted.add("'" + word.replace("'", "'\\''") + "'");
        Path p = dir.resolve("haven");
        Files.writeString(p, "#!/bin/sh\nexec " + String.join(" ", quoted) + " \"$@\"\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    /** Runs the agent as node 1's daemon would: inside node 1's network namespace. */
    private static AgentRun fromNode1(FenceAction action, String plug) {
        Map<String, String> params = new java.util.LinkedHashMap<>();
        params.put("lab", PREFIX);
        params.put("haven", launcher.toString());
        if (plug != null) params.put("plug", plug);
        return RUNNER.run(Netns.execIn(LAYOUT.nodeNamespace(1), agent.toString()), action, params, AGENT_TIMEOUT);
    }

    private static boolean linkUp(int node) {
        String line = Exec.run("ip", "-n", LAYOUT.nodeNamespace(node), "-o", "link", "show", "dev", "eth0").orThrow().out();
        String flags = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
        return List.of(flags.split(",")).contains("UP");
    }

    @Test
    void offFromAnotherNodesNamespaceIsAPowerLossAndOnBootsTheNodeAgain() {
        long workload = Detached.start(LAYOUT.nodeNamespace(2), List.of("sleep", "600"),
                lab.cluster().state().log("n2-workload"), Map.of());
        assertThat(Pids.alive(workload)).isTrue();
        assertThat(fromNode1(FenceAction.STATUS, "n2").power()).isEqualTo(PowerState.ON);
        assertThat(fromNode1(FenceAction.LIST, null).plugs()).extracting(Plug::id).containsExactly("n1", "n2", "n3");
        AgentRun monitor = fromNode1(FenceAction.MONITOR, null);
        assertThat(monitor.ok()).as(monitor.describe()).isTrue();

        AgentRun off = fromNode1(FenceAction.OFF, "n2");
        assertThat(off.ok()).as(off.describe() + "\n" + off.stderr()).isTrue();
        System.out.printf("fence_haven_lab off from %s: %d ms%n", LAYOUT.nodeNamespace(1), off.elapsed().toMillis());
        assertThat(Pids.waitGone(List.of(workload), Duration.ofSeconds(5))).isTrue();
        assertThat(Netns.pids(LAYOUT.nodeNamespace(2))).isEmpty();
        assertThat(linkUp(2)).isFalse();
        assertThat(lab.network().attached(2)).isFalse();
        AgentRun status = fromNode1(FenceAction.STATUS, "n2");
        assertThat(status.power()).as(status.describe()).isEqualTo(PowerState.OFF);
        assertThat(fromNode1(FenceAction.STATUS, "n1").power()).as("a bystander").isEqualTo(PowerState.ON);
        AgentRun again = fromNode1(FenceAction.OFF, "n2");
        assertThat(again.ok()).as("off of an off node: " + again.describe()).isTrue();

        AgentRun on = fromNode1(FenceAction.ON, "n2");
        assertThat(on.ok()).as(on.describe() + "\n" + on.stderr()).isTrue();
        assertThat(linkUp(2)).isTrue();
        assertThat(lab.network().attached(2)).isTrue();
        assertThat(lab.cluster().pid(2)).as("power on boots the node's daemon").isPresent();
        assertThat(fromNode1(FenceAction.STATUS, "n2").power()).isEqualTo(PowerState.ON);
    }

    @Test
    void fencerPowersALabNodeOffThroughTheBundledAgent() {
        long workload = Detached.start(LAYOUT.nodeNamespace(3), List.of("sleep", "600"),
                lab.cluster().state().log("n3-workload"), Map.of());
        FenceDevice device = FenceDevice.namedPlugs("lab", agent.toString(),
                Map.of("lab", PREFIX, "haven", launcher.toString()), LAYOUT.nodeNames(), AGENT_TIMEOUT, Duration.ZERO);
        Fencer fencer = new Fencer(FencingTopology.oneLevelPerDevice(List.of(device)));
        assertThat(fencer.checkDevices()).isEmpty();

        FenceOutcome o = fencer.fence("n3", FenceAction.OFF);
        assertThat(o.fenced()).as(o.summary() + "\n" + o.attempts()).isTrue();
        assertThat(o.attempts()).extracting(FenceAttempt::verdict)
                .containsExactly(FenceAttempt.Verdict.SUCCEEDED, FenceAttempt.Verdict.CONFIRMED_OFF);
        assertThat(Pids.waitGone(List.of(workload), Duration.ofSeconds(5))).isTrue();
        assertThat(linkUp(3)).isFalse();
        o.attempts().forEach(a -> System.out.println("fencer: " + a.describe()));
    }
}
