package haven.executor.agents;

import haven.config.ResourceConfig;
import haven.core.AgentResult;
import haven.core.ForceOff;
import haven.executor.ResourceAgent;
import haven.process.ProcessGroup;
import haven.process.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Type {@code ipaddr}: a virtual IPv4 address. Parameters: {@code address} = a.b.c.d/len (required) and
 * {@code nic} (optional; else the interface that already holds an address in that subnet).
 *
 * <p>start adds the address ({@code ip addr add A/len brd + dev IF}; already present is fine) and then
 * announces it with gratuitous ARP in the background, so that switches and neighbours learn the new
 * owner without start waiting the two seconds arping takes. stop deletes it (absent is fine). monitor
 * reports OK when present, NOT_RUNNING when absent.
 *
 * <p>Caveat: without net.ipv4.conf.IF.promote_secondaries, deleting a primary address also deletes the
 * secondaries of its subnet; the virtual address is normally a secondary (the interface's own address
 * came first), which is the case this agent is meant for.
 *
 * <p>Thread safety: stateless between operations apart from the background arping, which reaps itself.
 */
public final class IpAddrAgent implements ResourceAgent {
    public static final String TYPE = "ipaddr";
    static final List<String> PARAMS = List.of("address", "nic");
    /** arping -c 3 takes about two seconds; after this it is killed rather than left behind. */
    static final Duration ARPING_LIMIT = Duration.ofSeconds(10);
    private static final System.Logger LOG = System.getLogger(IpAddrAgent.class.getName());

    /** One line of {@code ip -o -4 addr show}. */
    record Assigned(String nic, Ipv4Prefix address) {}

    private final String resource;
    private final Ipv4Prefix address;
    private final Optional<String> nic;
    private final List<String> prefix;
    private final ProcessRunner runner = new ProcessRunner();

    public IpAddrAgent(ResourceConfig rc) {
        this(rc, List.of());
    }

    /**
     * {@code commandPrefix} goes before every command (ip, arping), e.g. {@code ip netns exec NS} to act in
     * a network namespace: how tests and the lab keep their addresses inside namespaces they own.
     */
    IpAddrAgent(ResourceConfig rc, List<String> commandPrefix) {
        Params p = Params.of(rc, PARAMS);
        this.resource = rc.id().name();
        String text = p.required("address", "192.168.1.50/24");
        try {
            this.address = Ipv4Prefix.parse(text, true);
        } catch (IllegalArgumentException e) {
            throw p.invalid("address", e.getMessage());
        }
        if (address.length() == 0) throw p.invalid("address", "a /0 prefix cannot name a subnet; give the subnet's length, e.g. /24");
        this.nic = p.optional("nic");
        this.prefix = List.copyOf(commandPrefix);
    }

    /** Wherever the address is, deleting it ends this resource. */
    @Override
    public List<ForceOff> forceOff() {
        return List.of(new ForceOff.RemoveAddress(address.toString()));
    }

    @Override
    public AgentResult start(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Assigned> assigned;
        try {
            assigned = list(left(deadline));
        } catch (CommandFailed e) {
            return e.result;
        }
        Optional<String> iface = nic.isPresent() ? nic : holderOfSubnet(assigned);
        if (iface.isEmpty()) {
            return AgentResult.configError("no interface holds an address in " + address.networkText() + " to put " + address
                    + " on: set the nic parameter, or give an interface an address in that subnet first");
        }
        String dev = iface.get();
        boolean present = assigned.stream().anyMatch(a -> a.nic().equals(dev) && a.address().address() == address.address());
        if (!present) {
            var r = ip(left(deadline), "addr", "add", address.toString(), "brd", "+", "dev", dev);
            if (r.timedOut()) return AgentResult.timeout(r.describe());
            if (!r.ok() && !r.output().contains("already assigned") && !r.output().contains("File exists")) {
                return r.output().contains("Cannot find device")
                        ? AgentResult.configError("interface " + dev + " does not exist: " + r.describe())
                        : AgentResult.failed(r.describe());
            }
        }
        announce(dev);
        return AgentResult.ok();
    }

    @Override
    public AgentResult stop(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Assigned a : holders(list(left(deadline)))) {
                var r = ip(left(deadline), "addr", "del", address.toString(), "dev", a.nic());
                if (r.timedOut()) return AgentResult.timeout(r.describe());
                if (!r.ok() && !r.output().contains("Cannot assign requested address") && !r.output().contains("not found")) {
                    return AgentResult.failed(r.describe());
                }
            }
            List<Assigned> left = holders(list(left(deadline)));
            return left.isEmpty() ? AgentResult.ok() : AgentResult.failed(address + " is still on " + left.get(0).nic() + " after ip addr del");
        } catch (CommandFailed e) {
            return e.result;
        }
    }

    @Override
    public AgentResult monitor(Duration timeout) {
        try {
            return holders(list(timeout)).isEmpty() ? AgentResult.notRunning() : AgentResult.ok();
        } catch (CommandFailed e) {
            return e.result;
        }
    }

    /** Where our address is assigned (on nic, when one is configured). */
    private List<Assigned> holders(List<Assigned> assigned) {
        return assigned.stream()
                .filter(a -> a.address().address() == address.address())
                .filter(a -> nic.isEmpty() || nic.get().equals(a.nic()))
                .toList();
    }

    private Optional<String> holderOfSubnet(List<Assigned> assigned) {
        return assigned.stream().filter(a -> address.networkContains(a.address())).map(Assigned::nic).findFirst();
    }

    private List<Assigned> list(Duration timeout) throws CommandFailed {
        var r = ip(timeout, "-o", "-4", "addr", "show");
        if (r.timedOut()) throw new CommandFailed(AgentResult.timeout(r.describe()));
        if (r.exitCode() == 127) throw new CommandFailed(AgentResult.configError("cannot run ip (iproute2): " + r.describe()));
        if (!r.ok()) throw new CommandFailed(AgentResult.failed(r.describe()));
        return parse(r.output());
    }

    /** The interfaces that hold exactly {@code cidr} (a.b.c.d/len) in the output of {@code ip -o -4 addr show}. */
    public static List<String> interfacesHolding(String ipOutput, String cidr) {
        return parse(ipOutput).stream().filter(a -> a.address().toString().equals(cidr)).map(Assigned::nic).toList();
    }

    /** Parses lines like {@code 2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\ ...}. */
    static List<Assigned> parse(String ipOutput) {
        List<Assigned> out = new ArrayList<>();
        for (String line : ipOutput.split("\n")) {
            String[] f = line.trim().split("\\s+");
            for (int i = 2; i + 1 < f.length; i++) {
                if (f[i].equals("inet")) {
                    String dev = f[1].endsWith(":") ? f[1].substring(0, f[1].length() - 1) : f[1];
                    int at = dev.indexOf('@');
                    out.add(new Assigned(at < 0 ? dev : dev.substring(0, at), Ipv4Prefix.parse(f[i + 1], false)));
                    break;
                }
            }
        }
        return out;
    }

    private ProcessRunner.Result ip(Duration timeout, String... args) {
        List<String> argv = new ArrayList<>(prefix);
        argv.add("ip");
        argv.addAll(List.of(args));
        return runner.run(argv, timeout);
    }

    /**
     * Gratuitous ARP in the background: started in its own process group, reaped when it ends, killed if
     * it outlives ARPING_LIMIT. A host without arping still gets its address; neighbours learn it later.
     */
    private void announce(String dev) {
        Optional<String> arping = Optional.ofNullable(firstExisting("/usr/bin/arping", "/usr/sbin/arping", "/bin/arping"));
        if (arping.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, resource + ": arping (iputils-arping) not found; " + address.addressText()
                    + " is up on " + dev + " but not announced by gratuitous ARP");
            return;
        }
        List<String> argv = new ArrayList<>(prefix);
        argv.addAll(List.of(arping.get(), "-U", "-c", "3", "-I", dev, address.addressText()));
        ProcessGroup group;
        try {
            group = ProcessGroup.start(new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, resource + ": cannot run arping: " + e.getMessage());
            return;
        }
        group.process().onExit().orTimeout(ARPING_LIMIT.toMillis(), TimeUnit.MILLISECONDS).whenComplete((p, timedOut) -> {
            if (timedOut != null) {
                group.kill(ProcessRunner.KILL_WAIT_LIMIT);
                LOG.log(System.Logger.Level.WARNING, resource + ": arping still running after " + ARPING_LIMIT.toSeconds() + " s; killed");
            } else if (p.exitValue() != 0) {
                LOG.log(System.Logger.Level.WARNING, resource + ": " + String.join(" ", argv) + " exited with " + p.exitValue());
            }
        });
    }

    private static String firstExisting(String... paths) {
        for (String p : paths) {
            if (Files.isExecutable(Path.of(p))) return p;
        }
        return null;
    }

    private static Duration left(long deadlineNs) {
        return Duration.ofNanos(Math.max(1_000_000, deadlineNs - System.nanoTime()));
    }

    /** A failed listing, carrying the result the operation must return. */
    private static final class CommandFailed extends Exception {
        final transient AgentResult result;

        CommandFailed(AgentResult result) {
            super(result.detail(), null, false, false);
            this.result = result;
        }
    }
}
