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
    }

    @Test
    void inAPlainGroupItWouldNeverBePromoted() {
        ConfigProblem p = onlyProblem(dir("directory: /srv") + "  - name: g\n    members: [files]\n", 13, 14,
                "resource 'files' is a replicated-dir, which has a primary and replicas");
        assertThat(p.hint()).contains("promotable: { members: [files] }");
    }
}
