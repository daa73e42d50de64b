package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.ResourceId;
import org.junit.jupiter.api.Test;

/** A replicated-dir resource: its parameters, and that it is promoted in a promotable group. */
class ReplicatedDirConfigTest {
    /** Lines 1-9: one node and a replicated directory with the given parameters. */
    private static String dir(String params) {
        return HEAD + "resources:\n  - name: files\n    type: replicated-dir\n    params: { " + params + " }\ngroups:\n";
    }

    @Test
    void aPromotedReplicatedDirectoryLoads() throws Exception {
        valid(dir("directory: /srv/uploads, mode: sync, min_in_sync: 1") + "  - name: g\n    members: [files]\n    promotable: {}\n");
        GroupConfig g = valid(dir("directory: /srv/uploads, mode: async, port: 7791, sync_timeout: 500ms")
                + "  - name: g\n    members: [files]\n    promotable: { members: [files] }\n").groups().get(0);
        assertThat(g.replicaMembers()).containsExactly(ResourceId.of("files"));
    }

    @Test
    void itsParametersAreChecked() {
        String group = "  - name: g\n    members: [files]\n    promotable: {}\n";
        onlyProblem(dir("directory: srv/uploads") + group, 10, 26, "'srv/uploads' is not an absolute path below /");
        onlyProblem(dir("directory: /") + group, 10, 26, "'/' is not an absolute path below /");
        onlyProblem(dir("directory: /srv, mode: fast") + group, 10, 38, "'fast' is neither sync nor async");
        onlyProblem(dir("directory: /srv, port: 70000") + group, 10, 38, "'70000' is not a TCP port");
        onlyProblem(dir("directory: /srv, sync_timeout: soon") + group, 10, 46, "'soon' is not a positive duration");
        onlyProblem(dir("mode: sync") + group, 10, 5, "directory is missing");
        onlyProblem(dir("directory: /srv, min_in_sync: all") + group, 10, 45, "'all' is not a number of replicas");
        onlyProblem(dir("directory: /srv, mode: async, min_in_sync: 1") + group, 10, 58, "applies to mode: sync only");
    }

    @Test
    void inAPlainGroupItWouldNeverBePromoted() {
        ConfigProblem p = onlyProblem(dir("directory: /srv") + "  - name: g\n    members: [files]\n", 13, 14,
                "resource 'files' is a replicated-dir, which has a primary and replicas");
        assertThat(p.hint()).contains("promotable: { members: [files] }");
    }

    @Test
    void aPostgresqlIsPromotedWithNotificationsAndItsParametersAreChecked() throws Exception {
        String head = HEAD + "resources:\n  - name: db\n    type: postgresql\n    params: { %s }\ngroups:\n";
        GroupConfig g = valid(head.formatted("data: /srv/pg, mode: async, clients: 10.0.0.0/24, client_auth: trust")
                + "  - name: g\n    members: [db]\n    promotable: { members: [db], notify: true }\n").groups().get(0);
        assertThat(g.replicaMembers()).containsExactly(ResourceId.of("db"));
        String group = "  - name: g\n    members: [db]\n    promotable: { notify: true }\n";
        onlyProblem(head.formatted("data: pg") + group, 10, 21, "'pg' is not an absolute path below /");
        onlyProblem(head.formatted("data: /srv/pg, mode: fast") + group, 10, 36, "'fast' is neither sync nor async");
        onlyProblem(head.formatted("data: /srv/pg, clients: 10.0.0.0/33") + group, 10, 39, "'10.0.0.0/33'");
        onlyProblem(head.formatted("data: /srv/pg, client_auth: ident") + group, 10, 43, "'ident' is not a client authentication method");
        ConfigProblem quiet = onlyProblem(head.formatted("data: /srv/pg") + "  - name: g\n    members: [db]\n    promotable: {}\n", 14, 5,
                "learns which node is primary from notifications");
        assertThat(quiet.hint()).contains("notify: true");
        onlyProblem(head.formatted("data: /srv/pg") + "  - name: g\n    members: [db]\n", 13, 14, "resource 'db' is a postgresql");
    }
}
