package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;

/**
 * What an end-to-end lab test holds for one test: the lab settled, every namespace watched for the VIP, a
 * client asking for the page every 10 ms, and faults that spare the watch. Closing heals every node.
 */
final class WatchedLab implements AutoCloseable {
    final Lab lab;
    final VipWatch watch;
    final Faults faults;
    final ProberProcess prober;

    private WatchedLab(Lab lab) {
        this.lab = lab;
        this.watch = VipWatch.start(lab.layout());
        this.faults = new Faults(lab, watch::pids);
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1))
                .forEach(w -> System.err.println("lab warning: " + w));
        this.prober = ProberProcess.start(lab.layout(), HavenRuntime.current());
        assertThat(prober.awaitGoodAnswer(System.nanoTime(), Duration.ofSeconds(10))).isPresent();
    }

    static WatchedLab settle(Lab lab) {
        return new WatchedLab(lab);
    }

    /** The first good answer to a request sent after the fault took effect, or the test fails with the logs. */
    ProbeResult awaitBack(Faults.Injected fault, Duration within) {
        Optional<ProbeResult> back = prober.awaitGoodAnswer(fault.effectiveNanos(), within);
        assertThat(back).as("service answers within %s s after: %s\n%s", within.toSeconds(), fault.description(),
                lab.cluster().logTails(20)).isPresent();
        return back.get();
    }

    @Override
    public void close() {
        prober.close();
        watch.close();
        for (int i = 1; i <= lab.layout().nodes(); i++) {
            faults.heal(i);
        }
    }
}
