package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import haven.executor.agents.ocf.ShippedAgents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A promotable group on three real nodes: an OCF agent with promote and demote (the tests' Stateful: an instance
 * is a detached process, its role a file) on every node, promoted on one, with its own address that runs only
 * with the primary. Read from outside (the processes and files themselves, the address on each namespace),
 * never from haven: a powered-off or cut-off primary is replaced by a replica with a newer generation, no two
 * nodes are ever primary at once, and an old primary comes back as a replica by itself. With {@code notify: true}:
 * each instance's own log (the agent appends every action and notification) shows a promotion announced to the
 * promoted instance before it and to the other replica before and after it.
 */
@Tag("lab")
class PromotableLabTest {
    private static final String PREFIX = SharedLab.prefix("tprm");
    @RegisterExtension
    static final KeepLogsOnFailure KEEP_LOGS = new KeepLogsOnFailure(PREFIX);
    private static final Path AGENTS = Path.of("/usr/lib/ocf/resource.d", ShippedAgents.PROVIDER);
    private static final Path AGENT = AGENTS.resolve("Stateful");
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final LabLayout LAYOUT = new LabLayout(PREFIX, 3);
    private static boolean createdAgents;
    private static Lab lab;
    private static Path states;
    private static AtMostOneWatch watch;

    @BeforeAll
    static void up() throws IOException {
        Lab.down(PREFIX); // a previous run killed midway
        createdAgents = !Files.isDirectory(AGENTS);
        assertThat(ShippedAgents.installOne(haven.executor.agents.ocf.OcfRoot.STANDARD.dir(), "Stateful")).isEqualTo(AGENT);
        lab = Lab.up(LAYOUT, Lab.UP_TIMEOUT, line -> { }, PromotableLabTest::addDb);
        watch = AtMostOneWatch.start("primaries", PromotableLabTest::primaries);
    }

    @AfterAll
    static void down() throws IOException {
        if (watch != null) watch.close();
        Lab.down(PREFIX);
        Files.deleteIfExists(AGENT);
        if (createdAgents) Files.deleteIfExists(AGENTS);
        assertThat(LabNetwork.anyPartExists(PREFIX)).isFalse();
    }

    /** The db group, written into the lab's config before any daemon starts. */
    private static void addDb(LabState state) {
        states = state.dir().resolve("stateful");
        try {
            String config = Files.readString(state.config());
            String resources = "  - name: db\n    type: ocf:haventest:Stateful\n    params: { state_dir: " + states + " }\n"
                    + "    monitor_interval: 1s\n"
                    + "  - name: db-ip\n    type: ipaddr\n    params: { address: " + dbVip() + "/24 }\n    monitor_interval: 2s\n";
            config = config.replace("resources:\n", "resources:\n" + resources);
            config += "  - name: dbg\n    members: [db, db-ip]\n    prefer: " + LAYOUT.nodeName(1) + "\n    promotable: { members: [db], notify: true }\n";
            Files.writeString(state.config(), config);
        } catch (IOException e) {
            throw new LabException("cannot add the db group to the lab's config: " + e);
        }
    }

    private static String dbVip() {
        return LAYOUT.vip().substring(0, LAYOUT.vip().lastIndexOf('.')) + ".101";
    }

    @Test
    void aLostPrimaryIsReplacedByAReplicaNeverTwoAtOnceAndComesBackAsAReplica() throws Exception {
        Faults faults = new Faults(lab);
        awaitRoles(1, List.of(2, 3), Duration.ofSeconds(60));
        long firstGeneration = generation(1);
        // The agent sets its promotion score with crm_master, which haven puts on its PATH: 10 as primary, 5 as replica.
        assertThat(List.of(score(1), score(2), score(3))).containsExactly("10", "5", "5");
        // Told as Pacemaker tells it: the node it runs for (not the host name the lab's namespaces share), promotable.
        assertThat(Files.readString(states.resolve(LAYOUT.nodeName(2) + "-db.meta")).strip()).isEqualTo("n2 true 3");

        watch.poweredOff.add(1);
        Faults.Injected kill = faults.kill(1);
        int second = awaitNewPrimary(1, kill);
        assertThat(generation(second)).as("a promotion is a new generation").isGreaterThan(firstGeneration);
        assertAnnounced(second, others(second).stream().filter(i -> i != 1).findFirst().orElseThrow());
        faults.heal(1);
        watch.poweredOff.remove(1);
        awaitRoles(second, others(second), WITHIN);

        Faults.Injected cut = faults.isolate(second);
        int third = awaitNewPrimary(second, cut);
        assertThat(generation(third)).isGreaterThan(generation(second));
        faults.heal(second);
        awaitRoles(third, others(third), WITHIN);

        assertThat(watch.most()).as("nodes primary at the same moment, at most: %s", watch.errors()).isEqualTo(1);
        assertThat(watch.errors()).isEmpty();
    }

    /**
     * The promotion of {@code primary} as the agents saw it: the promoted instance was told before its promote, and
     * the other replica before and (the post round, which nobody waits for) after it.
     */
    private void assertAnnounced(int primary, int replica) throws Exception {
        String who = LAYOUT.nodeName(primary);
        List<String> own = agentLog(primary);
        int promote = own.lastIndexOf("promote");
        int told = lastStartingWith(own, "notify pre-promote " + who);
        assertThat(told).as("%s's log: %s", who, own).isGreaterThanOrEqualTo(0).isLessThan(promote);
        List<String> other = awaitLogLine(replica, "notify post-promote " + who);
        int pre = lastStartingWith(other, "notify pre-promote " + who);
        int post = lastStartingWith(other, "notify post-promote " + who);
        assertThat(pre).as("%s's log: %s", LAYOUT.nodeName(replica), other).isGreaterThanOrEqualTo(0).isLessThan(post);
    }

    /** Node {@code i}'s agent log once it has a line starting with {@code prefix}; fails after 10 s. */
    private static List<String> awaitLogLine(int i, String prefix) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> log = agentLog(i);
        while (lastStartingWith(log, prefix) < 0) {
            if (System.nanoTime() > deadline) throw new AssertionError(LAYOUT.nodeName(i) + "'s agent log has no '" + prefix + "': " + log);
            Pids.sleep(50);
            log = agentLog(i);
        }
        return log;
    }

    private static List<String> agentLog(int i) throws IOException {
        return Files.readAllLines(states.resolve(LAYOUT.nodeName(i) + "-db.log"));
    }

    private static int lastStartingWith(List<String> lines, String prefix) {
        for (int j = lines.size() - 1; j >= 0; j--) {
            if (lines.get(j).startsWith(prefix)) return j;
        }
        return -1;
    }

    /** Waits for a primary other than {@code old}, with the db address there; prints how long it took. */
    private int awaitNewPrimary(int old, Faults.Injected fault) {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            List<Integer> primaries = primaries();
            if (primaries.size() == 1 && primaries.get(0) != old && vipHolders().equals(primaries)) {
                long ms = (System.nanoTime() - fault.effectiveNanos()) / 1_000_000;
                System.out.printf("%s: %s; %s promoted, with its address, after %d ms%n", PREFIX, fault.description(),
                        LAYOUT.nodeName(primaries.get(0)), ms);
                return primaries.get(0);
            }
            Pids.sleep(20);
        }
        throw new AssertionError("no new primary within " + WITHIN.toSeconds() + " s of " + fault.description() + ": " + roles() + "\n"
                + lab.cluster().logTails(40));
    }

    private void awaitRoles(int primary, List<Integer> replicas, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (primaries().equals(List.of(primary)) && replicas().equals(replicas) && vipHolders().equals(List.of(primary))) return;
            Pids.sleep(50);
        }
        throw new AssertionError("expected " + LAYOUT.nodeName(primary) + " primary and " + replicas + " replicas, found " + roles()
                + " and the address on " + vipHolders() + "\n" + lab.cluster().logTails(40));
    }

    private static List<Integer> others(int node) {
        return LAYOUT.nodesBut(node);
    }

    private static List<Integer> primaries() {
        return nodesIn("primary");
    }

    private static List<Integer> replicas() {
        return nodesIn("replica");
    }

    /** The nodes whose instance runs (its process is alive) in {@code role}. */
    private static List<Integer> nodesIn(String role) {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            if (role(i).equals(Optional.of(role))) out.add(i);
        }
        return out;
    }

    /** A node's instance role as its files and process say, or empty when no instance runs there. */
    private static Optional<String> role(int i) {
        Path base = states.resolve(LAYOUT.nodeName(i) + "-db");
        try {
            String pid = Files.readString(Path.of(base + ".pid")).strip();
            boolean alive = ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
            return alive ? Optional.of(Files.readString(Path.of(base + ".role")).strip()) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // no instance, or its files are being written
        }
    }

    /** The promotion score the agent on node {@code i} set through haven's crm_master, as the daemon keeps it. */
    private static String score(int i) throws IOException {
        Path file = LabState.find(PREFIX).orElseThrow().nodeDir(LAYOUT.nodeName(i)).resolve("attributes").resolve("master-db");
        return Files.readString(file).strip();
    }

    private static long generation(int i) throws IOException {
        return Long.parseLong(Files.readString(states.resolve(LAYOUT.nodeName(i) + "-db.generation")).strip());
    }

    private static String roles() {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= 3; i++) out.add(LAYOUT.nodeName(i) + "=" + role(i).orElse("none"));
        return String.join(" ", out);
    }

    private static List<Integer> vipHolders() {
        List<Integer> out = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            if (Netns.ipv4Addresses(LAYOUT.nodeNamespace(i)).contains(dbVip())) out.add(i);
        }
        return out;
    }
}
