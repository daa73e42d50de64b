package haven.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.config.ResourceConfig;
import haven.core.ResourceId;
import haven.core.AgentResult.Status;
import haven.core.ForceOff;
import haven.executor.agents.ocf.OcfAgent;
import haven.executor.agents.ocf.OcfRoot;
import haven.process.ProcessRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * `haven agent test` on real, unmodified agents from ClusterLabs resource-agents and on Debian's nginx init
 * script. Every agent runs inside a network namespace this test creates (a veth pair d0/d1 with
 * 10.250.0.1/24 on d0, no route out) and deletes afterwards, so addresses, routes, ARP and listening ports
 * stay inside it; state and pid files go to a temporary directory.
 */
@Tag("lab")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentConformanceRealAgentsTest {
    private static final Duration T = Duration.ofSeconds(10);
    private final ProcessRunner sh = new ProcessRunner();
    private final String ns = "tagt" + ProcessHandle.current().pid();
    private Path dir;

    @BeforeAll
    void createNamespaceAndFiles() throws IOException {
        assumeTrue(OcfRoot.STANDARD.agents().size() > 100, "resource-agents is not installed here");
        dir = Files.createTempDirectory("haven-agents-");
        run("ip", "netns", "add", ns);
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
        run("ip", "-n", ns, "addr", "add", "10.250.0.1/24", "brd", "+", "dev", "d0");
        run("ip", "-n", ns, "link", "set", "d0", "up");
        run("ip", "-n", ns, "link", "set", "d1", "up");
        Path ng = Files.createDirectories(dir.resolve("nginx"));
        Files.writeString(ng.resolve("nginx.conf"), """
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                  access_log off;
                  client_body_temp_path %1$s/body; proxy_temp_path %1$s/proxy; fastcgi_temp_path %1$s/fcgi;
                  uwsgi_temp_path %1$s/uwsgi; scgi_temp_path %1$s/scgi;
                  server { listen 127.0.0.1:18080; location / { return 200 "ok\\n"; } }
                }
                """.formatted(ng));
        Files.writeString(dir.resolve("rsyncd.conf"), """
                pid file = %1$s/rsyncd.pid
                port = 18873
                address = 127.0.0.1
                [data]
                path = %1$s
                """.formatted(dir));
    }

    @AfterAll
    void deleteNamespaceAndFiles() throws IOException {
        if (dir == null) return;
        // An agent that failed mid-test may have left a daemon in the namespace; end it by pid before the namespace goes.
        var pids = sh.run(List.of("ip", "netns", "pids", ns), T);
        for (String pid : pids.output().split("\\s+")) {
            if (pid.matches("\\d+")) ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
        }
        sh.run(List.of("ip", "netns", "del", ns), T);
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    Stream<Arguments> agents() {
        String d = dir.toString();
        return Stream.of(
                Arguments.of("Dummy", List.of("state=" + d + "/dummy.state"), ""),
                Arguments.of("Stateful", List.of("state=" + d + "/stateful.state"), ""),
                Arguments.of("dummypy", List.of("state=" + d + "/dummypy.state"), ""),
                Arguments.of("anything", List.of("binfile=/bin/sleep", "cmdline_options=1000", "pidfile=" + d + "/anything.pid"), ""),
                Arguments.of("symlink", List.of("target=/etc/hostname", "link=" + d + "/link"), ""),
                Arguments.of("Delay", List.of("startdelay=0", "stopdelay=0", "mondelay=0"), ""),
                Arguments.of("IPaddr2", List.of("ip=10.250.0.50", "cidr_netmask=24", "nic=d0"), ""),
                Arguments.of("IPaddr", List.of("ip=10.250.0.52", "cidr_netmask=24", "nic=d0"), ""),
                Arguments.of("Route", List.of("destination=10.251.0.0/24", "device=d0", "gateway=10.250.0.2"), ""),
                Arguments.of("SendArp", List.of("ip=10.250.0.1", "nic=d0"), ""),
                Arguments.of("rsyncd", List.of("conffile=" + d + "/rsyncd.conf", "binpath=/usr/bin/rsync"), "/usr/bin/rsync"),
                Arguments.of("nginx", List.of("configfile=" + d + "/nginx/nginx.conf", "status10url=http://127.0.0.1:18080/"), "/usr/sbin/nginx"));
    }

    /** PostgreSQL's own server, in a data directory initialised here as the postgres user, on a port of the namespace. */
    @Test
    void passesOnPgsqlWithPostgresqlInATemporaryDataDirectory() throws Exception {
        Optional<Path> bin = postgresBin();
        assumeTrue(bin.isPresent() && Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat/pgsql")),
                "postgresql or the pgsql agent is not installed");
        Path pg = Files.createDirectories(dir.resolve("pg"));
        run("chown", "postgres", pg.toString());
        run("chmod", "755", dir.toString());
        var init = sh.run(List.of("runuser", "-u", "postgres", "--", bin.get().resolve("initdb").toString(), "-D",
                pg.resolve("data").toString(), "-A", "trust"), Duration.ofSeconds(60));
        assertThat(init.ok()).as(init.describe()).isTrue();
        Out out = agent("test", "--netns", ns, "--instance", "hvt-pgsql-" + ProcessHandle.current().pid(), "heartbeat:pgsql",
                "pgctl=" + bin.get().resolve("pg_ctl"), "psql=" + bin.get().resolve("psql"), "pgdata=" + pg.resolve("data"),
                "pghost=127.0.0.1", "pgport=15432", "socketdir=" + pg);
        System.out.print(out.stdout());
        assertThat(out.code()).as(out.stdout() + out.stderr()).isEqualTo(0);
        assertThat(out.stdout()).contains("result: PASSED (9 steps)");
    }

    private static Optional<Path> postgresBin() throws IOException {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) return Optional.empty();
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("pg_ctl"))).max(Path::compareTo);
        }
    }

    @ParameterizedTest(name = "ocf:heartbeat:{0}")
    @MethodSource("agents")
    void passesOnAnUnmodifiedClusterLabsAgent(String agent, List<String> params, String needs) {
        assumeTrue(Files.isExecutable(Path.of("/usr/lib/ocf/resource.d/heartbeat/" + agent)), agent + " is not installed");
        // The program the agent manages: nginx comes with scripts/install-deps, rsync may not.
        if (!needs.isEmpty()) assumeTrue(Files.isExecutable(Path.of(needs)), needs + " is not installed");
        List<String> args = new ArrayList<>(List.of("test", "--netns", ns, "--instance", "hvt-" + agent + "-" + ProcessHandle.current().pid(),
                "heartbeat:" + agent));
        args.addAll(params);
        Out out = agent(args.toArray(String[]::new));
        System.out.print(out.stdout);
        assertThat(out.code).as(out.stdout + out.stderr).isEqualTo(0);
        assertThat(out.stdout).contains("agent test ocf:heartbeat:" + agent).contains("result: PASSED (9 steps)")
                .contains("PASS  monitor when stopped       exit 7").contains("PASS  monitor after start        exit 0")
                .doesNotContain("FAIL");
    }

    @Test
    void passesOnDebiansNginxInitScript() {
        assumeTrue(Files.isExecutable(Path.of("/etc/init.d/nginx")), "nginx's init script is not installed");
        Out out = agent("test", "--netns", ns, "lsb:nginx");
        System.out.print(out.stdout);
        assertThat(out.code).as(out.stdout + out.stderr).isEqualTo(0);
        assertThat(out.stdout).contains("agent test lsb:nginx").contains("PASS  status when stopped        exit 3")
                .contains("PASS  status after start         exit 0").contains("result: PASSED (7 steps)");
    }

    @Test
    void ipAddr2TellsTheGuardWhichAddressToRemoveEvenWithoutCidrNetmask() {
        var rc = new ResourceConfig(ResourceId.of("vip"), "ocf:heartbeat:IPaddr2", Map.of("ip", "10.250.0.60"), T, T, T, T);
        var agent = new OcfAgent(rc, OcfRoot.STANDARD, List.of("ip", "netns", "exec", ns));
        List<Integer> changes = new ArrayList<>();
        agent.onForceOffChanged(() -> changes.add(agent.forceOff().size()));
        assertThat(agent.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
        var started = agent.start(T, 1);
        assertThat(started.status()).as(started.detail()).isEqualTo(Status.OK);
        assertThat(sh.run(List.of("ip", "-n", ns, "-o", "-4", "addr", "show", "dev", "d0"), T).output()).contains("inet 10.250.0.60/24");
        // Every OCF resource also has its marked processes killed (whatever the agent started carries the marker).
        var marked = new ForceOff.KillMarked(agent.marker());
        assertThat(agent.forceOff()).containsExactly(new ForceOff.RemoveAddress("10.250.0.60/24"), marked);
        assertThat(agent.stop(T).status()).isEqualTo(Status.OK);
        assertThat(agent.forceOff()).containsExactly(marked);
        assertThat(changes).containsExactly(2, 1);
        assertThat(agent.monitor(T).status()).isEqualTo(Status.NOT_RUNNING);
    }

    record Out(int code, String stdout, String stderr) {}

    static Out agent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new AgentCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Out(code, out.toString(), err.toString());
    }

    private void run(String... argv) {
        var r = sh.run(List.of(argv), T);
        assertThat(r.ok()).as(r.describe()).isTrue();
    }
}
