package haven.services;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.AtomicFile;
import haven.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `haven add` end to end on a real file: what it writes, what it refuses, and that a refusal changes nothing. */
class AddCommandTest {
    private static final String CONFIG = """
            # the lab cluster
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }   # first
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            """;

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {}

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private Path config() throws Exception {
        Path f = dir.resolve("cluster.yaml");
        Files.writeString(f, CONFIG);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    @Test
    void eachKindWritesAGroupOfTheVipAndItsServerThatTheLoaderAccepts() throws Exception {
        Path f = config();
        assertThat(run("add", "web", "www", "--ip", "10.0.0.100/24", "--node-prefer", "n2", "-f", f.toString()).code()).isZero();
        assertThat(run("add", "dns", "ns", "--ip", "10.0.0.101/24", "--data", "/run/ns", "-f", f.toString()).code()).isZero();
        assertThat(run("add", "smtp", "mx", "--ip", "10.0.0.102/24", "-f", f.toString()).code()).isZero();
        Run pg = run("add", "postgresql", "db", "--ip", "10.0.0.103/24", "--data", "/srv/pg", "-f", f.toString());
        assertThat(pg.code()).as(pg.err()).isZero();
        String text = Files.readString(f);
        assertThat(text).startsWith(CONFIG.strip()).contains("# first")
                .contains("type: ocf:heartbeat:nginx").contains("status10url: \"http://10.0.0.100:80/\"")
                .contains("type: ocf:heartbeat:named").contains("named_pidfile: \"/run/ns/named.pid\"")
                .contains("type: ocf:heartbeat:postfix")
                .contains("type: ocf:heartbeat:pgsql").contains("pgdata: \"/srv/pg\"")
                .contains("members: [www-ip, www-nginx]\n    prefer: n2")
                .contains("members: [db-ip, db-pgsql]");
        assertThat(haven.config.ConfigLoader.load(f).groups()).hasSize(4);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()).toList()).as("no temp file left").containsExactly("cluster.yaml");
        }
    }

    @Test
    void nfsExportsTheDirectoryToTheVipsSubnetAndBringsTheVipUpLast() throws Exception {
        Path f = config();
        Run nfs = run("add", "nfs", "share", "--ip", "10.0.5.7/16", "--data", "/srv/nfs/share", "-f", f.toString());
        assertThat(nfs.code()).as(nfs.err()).isZero();
        String text = Files.readString(f);
        assertThat(text).contains("type: ocf:heartbeat:nfsserver").contains("nfs_shared_infodir: \"/srv/nfs/share.nfs-state\"")
                .contains("type: ocf:heartbeat:exportfs").contains("clientspec: \"10.0.0.0/16\"")
                .contains("fsid: \"" + NfsService.fsid("share") + "\"")
                .contains("members: [share-nfsd, share-export, share-ip]");
        assertThat(haven.config.ConfigLoader.load(f).groups()).hasSize(1);
        Run noData = run("add", "nfs", "x", "--ip", "10.0.0.9/24", "-f", f.toString());
        assertThat(noData.err()).contains("nfs needs --data");
        Run withConfig = run("add", "nfs", "y", "--ip", "10.0.0.9/24", "--data", "/srv/y", "--config", "/etc/exports", "-f", f.toString());
        assertThat(withConfig.err()).contains("--config has no meaning for nfs");
        assertThat(NfsService.subnet("192.168.77.200", 25)).isEqualTo("192.168.77.128/25");
        assertThat(NfsService.fsid("share")).isBetween(1L, 65535L).isEqualTo(NfsService.fsid("share"));
    }

    @Test
    void aReplicatedPostgresqlIsTheBuiltInTypePromotedWithNotificationsAndTheAddressAfterIt() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(PostgresqlService.binaries(PostgresqlService.DEBIAN_ROOT).isPresent(),
                "needs Debian's postgresql package");
        Path f = config();
        Run r = run("add", "postgresql", "db", "--ip", "10.0.7.103/24", "--replicas", "2", "--mode", "sync", "-f", f.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(f)).contains("type: postgresql").contains("data: \"/var/lib/postgresql/haven-db\"")
                .contains("mode: \"sync\"").contains("clients: \"10.0.7.0/24\"")
                .contains("members: [db-pgsql, db-ip]\n    promotable: { members: [db-pgsql], replicas: 2, notify: true }");
        var g = haven.config.ConfigLoader.load(f).groups().get(0);
        assertThat(g.promotable().orElseThrow().notifies()).isTrue();
        assertThat(run("add", "web", "www", "--ip", "10.0.0.100/24", "--replicas", "2", "-f", f.toString()).err())
                .contains("--replicas and --mode are for postgresql");
        assertThat(run("add", "postgresql", "db2", "--ip", "10.0.0.104/24", "--mode", "fast", "-f", f.toString()).err())
                .contains("--mode 'fast' is neither sync nor async");
    }

    @Test
    void dryRunPrintsTheEntriesAndChangesNothing() throws Exception {
        Path f = config();
        Run r = run("add", "postgresql", "db", "--ip", "10.0.0.103/24", "--data", "/srv/pg", "--dry-run", "-f", f.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("resources:\n  - name: db-ip").contains("groups:\n  - name: db\n");
        assertThat(Files.readString(f)).isEqualTo(CONFIG);
    }

    @Test
    void refusalsNameTheProblemAndLeaveTheFileAlone() throws Exception {
        Path f = config();
        assertThat(run("add", "web", "www", "--ip", "10.0.0.100/24", "-f", f.toString()).code()).isZero();
        String once = Files.readString(f);
        List<Run> refused = new ArrayList<>();
        refused.add(run("add", "web", "www", "--ip", "10.0.0.110/24", "-f", f.toString()));
        refused.add(run("add", "nfss", "x", "--ip", "10.0.0.110/24", "-f", f.toString()));
        refused.add(run("add", "web", "w2", "--ip", "10.0.0.300/24", "-f", f.toString()));
        refused.add(run("add", "web", "w2", "--ip", "10.0.0.110/24", "--node-prefer", "n9", "-f", f.toString()));
        refused.add(run("add", "postgresql", "db", "--ip", "10.0.0.110/24", "-f", f.toString()));
        assertThat(refused).allSatisfy(r -> assertThat(r.code()).as(r.err()).isEqualTo(1));
        assertThat(refused.get(0).err()).contains("cluster.yaml:").contains("'www' exists already");
        assertThat(refused.get(1).err()).contains("unknown kind 'nfss'").contains("web, dns, smtp, postgresql, ftp, imap, samba, nfs");
        assertThat(refused.get(2).err()).contains("--ip '10.0.0.300/24'");
        assertThat(refused.get(3).err()).contains("'n9' is not a node").contains("is unchanged");
        assertThat(refused.get(4).err()).contains("postgresql needs --data");
        assertThat(Files.readString(f)).isEqualTo(once);
    }

    @Test
    void aFileThatDoesNotParseIsNamedWithItsLine() throws Exception {
        Path f = dir.resolve("broken.yaml");
        Files.writeString(f, CONFIG + "resources:\n  - name: [\n");
        Run r = run("add", "web", "www", "--ip", "10.0.0.100/24", "-f", f.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("broken.yaml:1").contains("is unchanged");
        Run missing = run("add", "web", "www", "--ip", "10.0.0.100/24", "-f", dir.resolve("nope.yaml").toString());
        assertThat(missing.code()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read").contains("--file");
    }

    @Test
    void theAtomicWriteReplacesTheWholeFileAndLeavesNoTempFile() throws Exception {
        Path f = dir.resolve("x.yaml");
        Files.writeString(f, "old content that is longer than the new one\n");
        AtomicFile.replace(f, "new\n");
        assertThat(Files.readString(f)).isEqualTo("new\n");
        try (var left = Files.list(dir)) {
            assertThat(left.toList()).containsExactly(f);
        }
    }
}
