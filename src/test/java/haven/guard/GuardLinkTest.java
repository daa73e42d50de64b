package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;

import haven.core.ResourceId;
import haven.core.ForceOff;
import haven.process.MarkedProcesses;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The daemon's end of a real guard: armed with a resource's marker before its process starts, and given up
 * (everything armed forced off, the daemon told) once the guard keeps dying.
 */
class GuardLinkTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String MARKER = "test" + ProcessHandle.current().pid() + "/n1/web";
    private GuardLink link;

    @AfterEach
    void cleanUp() {
        if (link != null) link.close();
        MarkedProcesses.terminate(MARKER, Duration.ZERO, Duration.ofSeconds(2));
    }

    private static Process markedService() throws IOException {
        ProcessBuilder b = new ProcessBuilder("/bin/sh", "-c", "sleep 600 & exec sleep 600");
        b.environment().put(MarkedProcesses.VARIABLE, MARKER);
        return b.start();
    }

    private static boolean awaitNoneMarked(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!MarkedProcesses.find(MARKER).isEmpty()) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(10);
        }
        return true;
    }

    private static void killGuard(long pid) throws Exception {
        ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
        h.destroyForcibly();
        h.onExit().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).pid();
    }

    private long awaitNewGuard(long old) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (link.guardPid() == old && System.nanoTime() < deadline) Thread.sleep(10);
        return link.guardPid();
    }

    @Test
    void aGuardThatKeepsDyingIsGivenUpAndWhatWasArmedIsForcedOff() throws Exception {
        link = GuardLink.start("t1", Optional.empty(), new RestartWindow(2, 60_000));
        CountDownLatch givenUp = new CountDownLatch(1);
        link.onGivenUp(givenUp::countDown);
        link.arm(ResourceId.of("web"), List.of(new ForceOff.KillMarked(MARKER)));
        Process service = markedService();
        long pid = link.guardPid();
        for (int death = 1; death <= 2; death++) {
            killGuard(pid);
            pid = awaitNewGuard(pid);
            assertThat(link.givenUp()).as("restarted after death %d", death).isFalse();
        }
        assertThat(service.isAlive()).as("a restarted guard keeps the service").isTrue();
        killGuard(pid);
        assertThat(givenUp.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).as("the daemon is told").isTrue();
        assertThat(link.givenUp()).isTrue();
        assertThat(awaitNoneMarked(WAIT)).as("the service is forced off when the guard is given up").isTrue();
    }

    @Test
    void aGuardArmedWithTheMarkerEndsAStartWhoseGroupItWasNeverTold() throws Exception {
        link = GuardLink.start("t1", Optional.empty());
        // The daemon arms before it starts; it dies before it can tell the guard the new process group.
        link.arm(ResourceId.of("web"), List.of(new ForceOff.KillMarked(MARKER)));
        markedService();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (MarkedProcesses.find(MARKER).size() < 2 && System.nanoTime() < deadline) Thread.sleep(5);
        link.deadline(System.nanoTime() / 1_000_000L); // the lease ended now, as when the daemon is frozen or gone
        assertThat(awaitNoneMarked(WAIT)).isTrue();
    }
}
