package haven.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import haven.config.fence.Secrets;
import haven.cli.FenceCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `haven fence ...` as a user types it (the command is driven through picocli, without Main). */
class FenceCommandTest {
    private record Result(int code, String out, String err) {}

    private static Result haven(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new FenceCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void metadataPrintsAParameterTable() {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/fence_ipmilan")), "fence-agents not installed");
        Result r = haven("metadata", "fence_ipmilan");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("fence_ipmilan: Fence agent for IPMI\n")
                .containsPattern("\\nplug\\s+by haven\\s+string")
                .containsPattern("\\nmethod\\s+select\\s+onoff\\s+Method to fence \\[onoff\\|cycle\\]")
                .contains("deprecated parameters not shown", "actions: on, off, reboot, status");
        assertThat(r.out()).doesNotContainPattern("\\npasswd ");
        assertThat(haven("metadata", "--all", "fence_ipmilan").out()).containsPattern("\\npasswd .*\\(deprecated: use password\\)");
    }

    @Test
    void runPrintsResultAndDurationAndMasksThePassword(@TempDir Path dir) throws Exception {
        Path agent = TestAgents.copy(TestAgents.SWITCH, dir);
        Path state = Files.createDirectory(dir.resolve("state"));
        Result off = haven("run", agent.toString(), "off", "plug=n2", "state_dir=" + state, "password=topsecret");
        assertThat(off.code()).as(off.out() + off.err()).isZero();
        assertThat(off.out()).contains("action=off", "plug=n2", "password=" + Secrets.MASK)
                .containsPattern("ok: exit 0 in \\d+ ms").doesNotContain("topsecret");

        Result status = haven("run", agent.toString(), "status", "plug=n2", "state_dir=" + state);
        assertThat(status.code()).isZero();
        assertThat(status.out()).contains("ok: status: off (exit 2)", "power: off");

        Result failed = haven("run", agent.toString(), "on", "plug=n2", "state_dir=" + state, "fail=1", "--timeout", "5s");
        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.out()).contains("FAILED: exit 1", "unable to reach switch for plug n2");
    }

    @Test
    void mistakesAreOneLineWithTheFix() {
        Result missing = haven("run", "fence_haven_test_nonexistent", "status", "plug=n1");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("'fence_haven_test_nonexistent' not found", "apt-get install fence-agents");
        Result bad = haven("run", "fence_haven_lab", "status", "plug");
        assertThat(bad.err()).contains("'plug' is not key=value");
        Result action = haven("run", "fence_haven_lab", "powercycle");
        assertThat(action.err()).contains("unknown fence action 'powercycle'; use one of on, off, reboot");
    }
}
