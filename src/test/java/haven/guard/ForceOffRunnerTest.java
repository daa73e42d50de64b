package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.ForceOff;
import org.junit.jupiter.api.Test;

/** What the guard says when the daemon already did the work: success, worded as nothing to end. */
class ForceOffRunnerTest {
    private final ForceOffRunner runner = new ForceOffRunner();

    @Test
    void anAddressAlreadyGoneIsSuccessAndNothingToEnd() {
        ForceOffRunner.Outcome o = runner.run(new ForceOff.RemoveAddress("10.254.254.253/32"));
        assertThat(o.ok()).isTrue();
        assertThat(o.text()).startsWith(ForceOffRunner.NOTHING).doesNotContain("NOT");
    }

    @Test
    void aProcessGroupAlreadyEndedIsSuccessAndNothingToEnd() throws Exception {
        Process p = new ProcessBuilder("setsid", "true").start();
        long pgid = p.pid();
        p.waitFor();
        ForceOffRunner.Outcome o = runner.run(new ForceOff.KillGroup(pgid));
        assertThat(o.ok()).isTrue();
        assertThat(o.text()).startsWith(ForceOffRunner.NOTHING);
    }
}
