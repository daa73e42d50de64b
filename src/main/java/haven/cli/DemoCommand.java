package haven.cli;

import haven.lab.Exec;
import haven.lab.Faults;
import haven.lab.HavenRuntime;
import haven.lab.Lab;
import haven.lab.LabException;
import haven.lab.LabLayout;
import haven.lab.Netns;
import haven.lab.ProbeResult;
import haven.lab.ProberProcess;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A failover in one minute on this machine: three real haven nodes in network namespaces, a web site on a
 * virtual IP, the active node loses power, the site answers again from another node. Everything it creates
 * is removed on exit, on failure and on Ctrl-C.
 */
@Command(name = "demo", description = "Show a failover: 3 nodes in network namespaces, kill the active one,"
        + " watch the site come back from another (needs root; removes everything afterwards).")
public final class DemoCommand implements Callable<Integer> {
    private static final String PREFIX = "demo";

    @Spec
    CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        AtomicBoolean cleaned = new AtomicBoolean();
        Runnable cleanup = () -> {
            if (cleaned.compareAndSet(false, true)) {
                say("cleaning up: stopping the nodes, removing namespaces " + PREFIX + "-* and bridge " + PREFIX + "-br");
                Lab.down(PREFIX);
            }
        };
        Thread hook = new Thread(cleanup, "demo-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            run();
            return 0;
        } catch (LabException e) {
            spec.commandLine().getErr().println("haven demo: " + e.getMessage());
            return 1;
        } finally {
            cleanup.run();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down (Ctrl-C): the hook has run the same cleanup
            }
            out.flush();
        }
    }

    private void run() {
        LabLayout layout = new LabLayout(PREFIX, 3);
        say("1. starting 3 haven nodes in network namespaces " + layout.nodeNamespace(1) + ".." + layout.nodeNamespace(3)
                + "; web site 'web' = virtual IP " + layout.vip() + " + nginx");
        Lab lab = Lab.up(layout, Lab.UP_TIMEOUT, line -> say("   " + line));
        lab.cluster().awaitSettled(Duration.ofSeconds(60), Duration.ofSeconds(1));
        int active = single(lab.cluster().vipHolders(), layout);
        say("2. the cluster as `haven status` on " + layout.nodeName(active) + " shows it:");
        printStatus(lab, active);

        try (ProberProcess prober = ProberProcess.start(layout, HavenRuntime.current())) {
            prober.awaitGoodAnswer(System.nanoTime(), Duration.ofSeconds(10)).orElseThrow(
                    () -> new LabException("the site does not answer the client before the fault"));
            say("3. a client in " + layout.clientNamespace() + " asks http://" + layout.vip() + "/ every 10 ms; now "
                    + layout.nodeName(active) + " (the active node) loses power");
            Faults.Injected fault = new Faults(lab).kill(active);
            say("   " + fault.description());
            Optional<ProbeResult> back = prober.awaitGoodAnswer(fault.effectiveNanos(), Duration.ofSeconds(30));
            ProbeResult answer = back.orElseThrow(() -> new LabException("the site did not come back within 30 s\n"
                    + lab.cluster().logTails(20)));
            long ms = (answer.endNanos() - fault.effectiveNanos()) / 1_000_000;
            say("4. the site answers again: \"" + answer.detail() + "\" after an outage of " + ms + " ms");
        }
        int survivor = single(lab.cluster().vipHolders(), layout);
        say("5. the cluster as " + layout.nodeName(survivor) + " sees it now:");
        printStatus(lab, survivor);
    }

    private static int single(List<Integer> holders, LabLayout layout) {
        if (holders.size() != 1) {
            throw new LabException("expected one node to hold the VIP " + layout.vip() + ", found " + holders.size());
        }
        return holders.get(0);
    }

    /** Runs the real `haven status` inside the node's namespace, as an operator logged in there would. */
    private void printStatus(Lab lab, int node) {
        HavenRuntime rt = HavenRuntime.current();
        List<String> cmd = Netns.execIn(lab.layout().nodeNamespace(node), rt.javaCommand(
                HavenRuntime.cliOptions(), "haven.cli.Main", List.of("status"))
                .toArray(String[]::new));
        Exec.Result r = Exec.run(Duration.ofSeconds(20), cmd);
        String text = r.ok() ? r.out() : lab.cluster().status(node).map(s -> s.summary() + "\n")
                .orElse("(no status: " + r.err().strip() + ")\n");
        text.lines().forEach(l -> out.println("     " + l));
        out.flush();
    }

    private void say(String line) {
        out.println(line);
        out.flush();
    }
}
