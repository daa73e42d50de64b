package haven.executor.agents.ocf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import haven.config.ResourceConfig;
import haven.core.ForceOff;
import haven.core.ResourceId;
import haven.process.MarkedProcesses;
import haven.executor.AgentFactory;
import haven.core.AgentResult;
import haven.core.AgentResult.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ocf: resources through the agent interface the executor uses, with real agent scripts and processes. */
class OcfAgentTest {
    private static final Duration T = Duration.ofSeconds(10);

    private static ResourceConfig rc(String name, String type, Map<String, String> params) {
        return new ResourceConfig(ResourceId.of(name), type, params, T, T, Duration.ofSeconds(7), T);
    }

    @Test
    void theFactoryRunsTheUnmodifiedDummyAgentThroughItsLifecycle(@TempDir Path dir) {
        assumeThat(OcfRoot.STANDARD.installed(OcfType.parse("ocf:heartbeat:Dummy"))).as("resource-agents installed").isTrue();
        Path state = dir.resolve("dummy.state");
        var agent = AgentFactory.create(rc("dummy", "ocf:heartbeat:Dummy", Map.of("state", state.toString())));
        assertThat(agent).isInstanceOf(OcfAgent.class);
        assertThat(agent.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        assertThat(agent.start(T, 3)).isEqualTo(AgentResult.ok());
        assertThat(state).exists();
        assertThat(agent.monitor(T)).isEqualTo(AgentResult.ok());
        assertThat(agent.stop(T)).isEqualTo(AgentResult.ok());
        assertThat(state).doesNotExist();
        assertThat(agent.stop(T)).isEqualTo(AgentResult.ok());
        assertThat(agent.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        assertThat(agent.forceOff()).as("whatever an OCF agent starts is found by the marker, known before any start")
                .containsExactly(new ForceOff.KillMarked("-/-/dummy"));
    }

    @Test
    void aRunningInstanceIsToldOfAnotherNodesPromotionWithPacemakersVariables(@TempDir Path dir) throws Exception {
        OcfRoot root = ShippedAgents.install(dir.resolve("ocf"));
        Path state = dir.resolve("state");
        var agent = new OcfAgent(rc("db", "ocf:haventest:Stateful", Map.of("state_dir", state.toString())), Map.of("HAVEN_NODE", "n3"),
                root, List.of());
        var n = new haven.core.Notice(true, haven.core.Operation.PROMOTE, haven.core.NodeId.of("n2"),
                new java.util.TreeSet<>(List.of(haven.core.NodeId.of("n2"), haven.core.NodeId.of("n3"))), java.util.Optional.empty(),
                List.of(haven.core.NodeId.of("n1"), haven.core.NodeId.of("n2"), haven.core.NodeId.of("n3")));
        try {
            assertThat(agent.notify(T, n).status()).as("a stopped instance is not told").isEqualTo(Status.FAILED);
            assertThat(agent.start(T, 4)).isEqualTo(AgentResult.ok());
            assertThat(agent.notify(T, n)).isEqualTo(AgentResult.ok());
            assertThat(Files.readAllLines(state.resolve("n3-db.log"))).containsExactly("start", "notify pre-promote n2 primary=");
        } finally {
            assertThat(agent.stop(T)).isEqualTo(AgentResult.ok());
        }
    }

    @Test
    void aPromotableAgentIsPromotedWithItsGenerationReportsItsRoleAndIsDemotedAgain(@TempDir Path dir) throws Exception {
        OcfRoot root = ShippedAgents.install(dir.resolve("ocf"));
        Path state = dir.resolve("state");
        var agent = new OcfAgent(rc("db", "ocf:haventest:Stateful", Map.of("state_dir", state.toString())), Map.of("HAVEN_NODE", "n2"),
                root, List.of());
        try {
            assertThat(agent.promote(T, 5).status()).as("a stopped instance cannot be promoted").isEqualTo(Status.FAILED);
            assertThat(agent.start(T, 4)).isEqualTo(AgentResult.ok());
            assertThat(agent.monitor(T).status()).as("a started instance is a replica").isEqualTo(Status.OK);
            assertThat(agent.promote(T, 5)).isEqualTo(AgentResult.ok());
            assertThat(Files.readString(state.resolve("n2-db.generation")).strip()).isEqualTo("5");
            AgentResult promoted = agent.monitor(T);
            assertThat(promoted.status()).isEqualTo(Status.PROMOTED);
            assertThat(promoted.isOk()).as("promoted is running").isTrue();
            assertThat(agent.demote(T)).isEqualTo(AgentResult.ok());
            assertThat(agent.monitor(T).status()).isEqualTo(Status.OK);
        } finally {
            assertThat(agent.stop(T)).isEqualTo(AgentResult.ok());
        }
        assertThat(agent.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
    }

    @Test
    void aFilesystemsMountPointIsKnownToTheGuardBeforeAnyStart() {
        var fs = new OcfAgent(rc("data", "ocf:heartbeat:Filesystem", Map.of("device", "/dev/loop9", "directory", "/srv/data/",
                "fstype", "ext4")));
        assertThat(fs.forceOff()).containsExactly(new ForceOff.KillMarked("-/-/data"), new ForceOff.Unmount("/srv/data"));
        var spaced = new OcfAgent(rc("odd", "ocf:heartbeat:Filesystem", Map.of("device", "/dev/loop9", "directory", "/srv/my data",
                "fstype", "ext4")));
        assertThat(spaced.forceOff()).as("a path the guard's words cannot carry: the marker only").containsExactly(
                new ForceOff.KillMarked("-/-/odd"));
    }

    @Test
    void agentsWithoutAPrimaryRoleRefuseToBePromoted(@TempDir Path dir) throws Exception {
        var agent = AgentFactory.create(rc("p", "process", Map.of("command", "sleep 30")));
        assertThat(agent.promote(T, 1).status()).isEqualTo(Status.CONFIG_ERROR);
        assertThat(agent.demote(T).status()).isEqualTo(Status.CONFIG_ERROR);
    }

    @Test
    void theAgentProcessSeesTheOcfEnvironmentParametersTimingAndGeneration(@TempDir Path dir) throws Exception {
        OcfRoot root = ShippedAgents.install(dir.resolve("ocf"));
        Path dump = dir.resolve("env");
        var agent = new OcfAgent(rc("rec", "ocf:haventest:EnvDump", Map.of("dump", dump.toString())),
                Map.of("HAVEN_NODE", "n2", "OCF_RESOURCE_INSTANCE", "not-this"), root, List.of());
        assertThat(agent.start(Duration.ofSeconds(9), 42).status()).isEqualTo(Status.OK);
        assertThat(agent.monitor(Duration.ofSeconds(4)).status()).isEqualTo(Status.OK);

        Properties start = read(dump, "start");
        assertThat(start).containsEntry("OCF_ROOT", root.dir().toString())
                .containsEntry("OCF_RESOURCE_INSTANCE", "rec")
                .containsEntry("OCF_RESOURCE_TYPE", "EnvDump")
                .containsEntry("OCF_RESOURCE_PROVIDER", "haventest")
                .containsEntry("OCF_RA_VERSION_MAJOR", "1")
                .containsEntry("OCF_RESKEY_dump", dump.toString())
                .containsEntry("OCF_RESKEY_CRM_meta_interval", "0")
                .containsEntry("OCF_CHECK_LEVEL", "0")
                .containsEntry("HAVEN_GENERATION", "42")
                .containsEntry("HAVEN_NODE", "n2")
                .containsEntry("HAVEN_RESOURCE", "-/n2/rec");
        // What is left of 9 s after meta-data and validate-all.
        assertThat(Long.parseLong(start.getProperty("OCF_RESKEY_CRM_meta_timeout"))).isBetween(7000L, 9000L);
        Properties monitor = read(dump, "monitor");
        assertThat(monitor).containsEntry("OCF_RESKEY_CRM_meta_interval", "7000")
                .containsEntry("OCF_RESKEY_CRM_meta_timeout", "4000").doesNotContainKey("HAVEN_GENERATION");
        assertThat(Files.exists(dir.resolve("env.validate-all"))).as("validate-all ran before the first start").isTrue();
        agent.stop(T);
    }

    @Test
    void validateAllRunsOnceBeforeTheFirstStartAndItsRefusalIsAConfigError(@TempDir Path dir) throws Exception {
        OcfRoot root = ShippedAgents.install(dir.resolve("ocf"));
        Path dump = dir.resolve("env");
        var bad = new OcfAgent(rc("rec", "ocf:haventest:EnvDump", Map.of("dump", dump.toString(), "exitcode", "6")), root, List.of());
        AgentResult r = bad.start(T);
        assertThat(r.status()).isEqualTo(Status.FATAL);
        assertThat(r.detail()).contains("ocf:haventest:EnvDump validate-all: exit 6 (not configured)")
                .contains("validate-all says 6").contains("the configuration is wrong on every node");
        assertThat(dump.resolveSibling("env.start")).as("no start after a refused validate-all").doesNotExist();

        var good = new OcfAgent(rc("rec", "ocf:haventest:EnvDump", Map.of("dump", dump.toString())), root, List.of());
        assertThat(good.start(T).status()).isEqualTo(Status.OK);
        Files.delete(dir.resolve("env.validate-all"));
        assertThat(good.stop(T).status()).isEqualTo(Status.OK);
        assertThat(good.start(T).status()).isEqualTo(Status.OK);
        assertThat(dir.resolve("env.validate-all")).as("validated once per agent").doesNotExist();
        good.stop(T);
    }

    @Test
    void anActionPastItsTimeoutIsKilledWithItsWholeProcessGroup(@TempDir Path dir) throws Exception {
        OcfRoot root = ShippedAgents.install(dir.resolve("ocf"));
        Path dump = dir.resolve("env");
        var agent = new OcfAgent(rc("slow", "ocf:haventest:EnvDump", Map.of("dump", dump.toString(), "hang", "monitor")), root, List.of());
        long t0 = System.nanoTime();
        AgentResult r = agent.monitor(Duration.ofMillis(700));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(r.status()).isEqualTo(Status.TIMEOUT);
        assertThat(r.detail()).contains("ocf:haventest:EnvDump monitor").contains("timed out");
        assertThat(ms).isLessThan(5000);
        long child = Long.parseLong(Files.readString(dir.resolve("env.child")).strip());
        assertThat(livesAndIsNoZombie(child)).as("the agent's sleeping child").isFalse();
    }

    @Test
    void whatAnAgentStartsDetachedCarriesTheMarkerAndOutlivesNeitherAFailedProbeNorAStop(@TempDir Path dir) throws Exception {
        OcfRoot root = ShippedAgents.install(dir.resolve("ocf"));
        Path pidfile = dir.resolve("d.pid");
        var agent = new OcfAgent(rc("daemon", "ocf:haventest:Daemonizes", Map.of("pidfile", pidfile.toString())),
                Map.of("HAVEN_CLUSTER", "c" + ProcessHandle.current().pid(), "HAVEN_NODE", "n1"), root, List.of());
        String marker = "c" + ProcessHandle.current().pid() + "/n1/daemon";
        assertThat(agent.marker()).isEqualTo(marker);
        assertThat(agent.forceOff()).as("the guard is told before the start").contains(new ForceOff.KillMarked(marker));
        try {
            assertThat(agent.start(T).status()).isEqualTo(Status.OK);
            long pid = Long.parseLong(Files.readString(pidfile).strip());
            // The pidfile is written as soon as the child is forked; it then execs setsid and setsid execs sleep, and
            // during each exec its /proc environ reads empty (CI saw an empty list three times, twice right after a
            // look had found it marked): wait, up to 2 s, until it runs sleep, its last program, and shows marked.
            long until = System.nanoTime() + 2_000_000_000L;
            while (!(runs(pid, "sleep") && MarkedProcesses.find(marker).equals(List.of(pid))) && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(MarkedProcesses.find(marker)).as("the detached daemon, in a session of its own").containsExactly(pid);

            // The agent loses track of it (as a daemon killed as it started it would): the probe must not say "stopped".
            Files.delete(pidfile);
            AgentResult probe = agent.monitor(T);
            assertThat(probe.status()).isEqualTo(Status.FAILED);
            assertThat(probe.detail()).contains("monitor says not running").contains("processes marked " + marker)
                    .contains(Long.toString(pid));

            assertThat(agent.stop(T)).as("the agent's stop finds nothing; the marker does").isEqualTo(AgentResult.ok());
            assertThat(MarkedProcesses.find(marker)).isEmpty();
            assertThat(livesAndIsNoZombie(pid)).isFalse();
            assertThat(agent.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        } finally {
            MarkedProcesses.terminate(marker, Duration.ZERO, T);
        }
    }

    /** Whether process {@code pid} now runs the program named {@code name} (its exec is done). */
    private static boolean runs(long pid, String name) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().command()).map(c -> Path.of(c).getFileName().toString().equals(name)).orElse(false);
    }

    @Test
    void anAgentNotInstalledHereIsAConfigErrorNamingThePackage(@TempDir Path dir) {
        var agent = new OcfAgent(rc("x", "ocf:heartbeat:NoSuchAgent", Map.of()), new OcfRoot(dir), List.of());
        AgentResult r = agent.monitor(T);
        assertThat(r.status()).isEqualTo(Status.CONFIG_ERROR);
        assertThat(r.detail()).contains("ocf:heartbeat:NoSuchAgent is not installed on this node")
                .contains("apt-get install resource-agents").contains("this node cannot run it");
    }

    @Test
    void addressAgentsNameTheirAddressForTheGuard() {
        assertThat(AddressLookup.prefixLengthIn("3: d0    inet 10.250.0.1/24 brd 10.250.0.255 scope global d0\\\n"
                + "3: d0    inet 10.250.0.51/24 scope global secondary d0\\\n", "10.250.0.51")).contains("24");
        assertThat(AddressLookup.prefixLengthIn("3: d0    inet 10.250.0.51/24 scope global d0\\\n", "10.250.0.5")).isEmpty();
    }

    /** ProcessHandle.isAlive counts zombies, and our orphans wait for a PID 1 that may reap late. */
    static boolean livesAndIsNoZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static Properties read(Path dump, String action) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(dump.resolveSibling(dump.getFileName() + "." + action))) {
            for (String line : in.lines().toList()) {
                int eq = line.indexOf('=');
                if (eq > 0) p.setProperty(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return p;
    }
}
