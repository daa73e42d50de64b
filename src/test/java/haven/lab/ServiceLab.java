package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import haven.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * A three-node lab whose config also holds a group made by `haven add` (run as the CLI runs it, on the
 * lab's config file, before any daemon starts), with its own virtual IP next to the lab's web VIP.
 *
 * <p>Each node's server files live in the lab's folder, svc/nI/, which the node sees at the one path its
 * agent's parameters name, /etc/haven-lab-P: `ip netns exec` binds /etc/netns/NS/X over /etc/X, and here
 * X is a link to the node's folder. {@code etcOverlays} does the same for whole /etc entries a server
 * insists on (postfix reads /etc/postfix), as separate machines each have their own.
 */
final class ServiceLab implements AutoCloseable {
    static final int NODES = 3;
    private static final Duration ANSWER_POLL = Duration.ofMillis(250);
    /** A failover slower than this prints what the daemons said about the service's resources. */
    private static final Duration SLOW = Duration.ofSeconds(10);

    /** Writes one node's server files into {@code dir} (its svc/nI folder). */
    interface NodeFiles {
        void write(Path dir, String node, ServiceLab lab) throws IOException;
    }

    final String prefix;
    final LabLayout layout;
    private final List<String> etcOverlays;
    private String group = "";
    Lab lab;

    private ServiceLab(String prefix, List<String> etcOverlays) {
        this.prefix = prefix;
        this.layout = new LabLayout(prefix, NODES);
        this.etcOverlays = List.copyOf(etcOverlays);
    }

    /** The service's own VIP, beside the lab's web VIP (.100). */
    String vip() {
        return layout.vip().substring(0, layout.vip().lastIndexOf('.')) + ".101";
    }

    /** Where every node sees its own server files. */
    Path etc() {
        return LabFiles.etcDir(prefix);
    }

    static ServiceLab up(String prefix, List<String> etcOverlays, NodeFiles files, String... addArgs) {
        ServiceLab s = new ServiceLab(prefix, etcOverlays);
        s.group = addArgs.length > 1 ? addArgs[1] : "";
        s.removeOverlays();
        Lab.down(prefix); // a previous run killed midway
        try {
            s.lab = Lab.up(s.layout, Lab.UP_TIMEOUT, line -> { }, state -> s.prepare(state, files, addArgs));
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void prepare(LabState state, NodeFiles files, String[] addArgs) {
        try {
            Files.createDirectories(etc());
            for (int i = 1; i <= NODES; i++) {
                Path own = state.dir().resolve("svc").resolve(layout.nodeName(i)).toAbsolutePath();
                Files.createDirectories(own);
                Path netns = Path.of("/etc/netns", layout.nodeNamespace(i));
                Files.createDirectories(netns);
                Files.createSymbolicLink(netns.resolve(etc().getFileName()), own);
                files.write(own, layout.nodeName(i), this);
                for (String overlay : etcOverlays) {
                    Files.createSymbolicLink(netns.resolve(overlay), own.resolve(overlay));
                }
            }
        } catch (IOException e) {
            throw new LabException("cannot write the service's node files: " + e);
        }
        List<String> args = new ArrayList<>(List.of("add"));
        args.addAll(List.of(addArgs));
        args.addAll(List.of("--ip", vip() + "/24", "--node-prefer", layout.nodeName(1), "-f", state.config().toString()));
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        int code = cli.execute(args.toArray(String[]::new));
        if (code != 0) throw new LabException("haven " + String.join(" ", args) + " failed:\n" + out);
    }

    /** Nodes holding the service's VIP right now. */
    List<Integer> holders() {
        List<Integer> holders = new ArrayList<>();
        for (int i = 1; i <= NODES; i++) {
            if (Netns.ipv4Addresses(layout.nodeNamespace(i)).contains(vip())) holders.add(i);
        }
        return holders;
    }

    /** Runs a client command in the client namespace; its stdout when it exits 0. */
    Optional<String> client(Duration timeout, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", layout.clientNamespace()));
        cmd.addAll(List.of(command));
        Exec.Result r = Exec.run(timeout, cmd);
        return r.ok() ? Optional.of(r.out().strip()) : Optional.empty();
    }

    /** Polls {@code ask} until it gives an answer that names a node other than {@code not}; the answer. */
    String awaitAnswer(Function<ServiceLab, Optional<String>> ask, Optional<String> not, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            Optional<String> a = ask.apply(this);
            if (a.isPresent()) {
                last = a.get();
                String answer = a.get();
                boolean namesANode = layout.nodeNames().stream().anyMatch(answer::contains);
                if (namesANode && (not.isEmpty() || !answer.contains(not.get()))) return answer;
            }
            Pids.sleep(ANSWER_POLL.toMillis());
        }
        throw new AssertionError("the service at " + vip() + " gave no good answer within " + within.toSeconds()
                + " s (last: " + last + ")\n" + lab.cluster().logTails(30));
    }

    /**
     * The test: the service answers, the node holding its VIP loses power, and within {@code within} a real
     * client gets an answer from another node, with the VIP on that one node only. Returns the failover time.
     */
    Duration failOver(Function<ServiceLab, Optional<String>> ask, Duration within) {
        String first = awaitAnswer(ask, Optional.empty(), Duration.ofSeconds(60));
        List<Integer> before = holders();
        assertThat(before).as("holders of %s", vip()).hasSize(1);
        int victim = before.get(0);
        String victimName = layout.nodeName(victim);
        assertThat(first).contains(victimName);
        Faults.Injected fault = new Faults(lab).kill(victim);
        String back = awaitAnswer(ask, Optional.of(victimName), within);
        Duration took = Duration.ofNanos(System.nanoTime() - fault.effectiveNanos());
        List<Integer> after = holders();
        assertThat(after).as("holders of %s after the failover", vip()).hasSize(1).doesNotContain(victim);
        assertThat(back).contains(layout.nodeName(after.get(0)));
        System.out.printf("%s: %s; before: %s; after %d ms: %s%n", prefix, fault.description(), first,
                took.toMillis(), back);
        if (took.compareTo(SLOW) > 0) System.out.println(serviceLog() + "\n" + lab.cluster().logTails(60));
        return took;
    }

    /** Every daemon log line that names one of the service's resources, node by node. */
    String serviceLog() {
        StringBuilder out = new StringBuilder();
        Path logs = LabState.find(prefix).orElseThrow().dir().resolve("logs");
        for (String node : layout.nodeNames()) {
            try {
                for (String line : Files.readAllLines(logs.resolve(node + ".log"))) {
                    if (line.contains(group + "-")) out.append(node).append(": ").append(line).append('\n');
                }
            } catch (IOException e) {
                out.append(node).append(": no log (").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    private void removeOverlays() {
        for (int i = 1; i <= LabLayout.MAX_NODES; i++) {
            for (String overlay : etcOverlays) {
                try {
                    Files.deleteIfExists(Path.of("/etc/netns", prefix + "-n" + i, overlay));
                } catch (IOException e) {
                    throw new LabException("cannot remove /etc/netns/" + prefix + "-n" + i + "/" + overlay + ": " + e);
                }
            }
        }
    }

    /** Everything goes: daemons and the servers they ran (the namespace sweep), links, folders. */
    @Override
    public void close() {
        removeOverlays();
        Lab.down(prefix);
        assertThat(LabNetwork.anyPartExists(prefix)).isFalse();
        assertThat(Files.exists(etc())).isFalse();
        assertThat(Files.exists(Path.of("/etc/netns/" + prefix + "-n1"))).isFalse();
        assertThat(LabState.find(prefix)).isEmpty();
    }
}
