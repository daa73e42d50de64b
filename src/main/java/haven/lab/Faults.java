package haven.lab;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Fault injection on one node of a lab (a nemesis). Every fault acts on real processes by PID and on the real
 * link of the node, and {@link #heal} undoes any of them.
 */
public final class Faults {
    public enum Kind { KILL, ISOLATE, HEAL, PAUSE, RESUME, KILL_SERVICE, KILL_DAEMON, LOSE_UPLINK, FLAP }

    /** What {@code flap} does when asked by kind alone: the link down and up every 300 ms for 10 s. */
    static final Duration FLAP_PERIOD = Duration.ofMillis(300);
    static final Duration FLAP_FOR = Duration.ofSeconds(10);

    /**
     * What a fault did, and when it took effect: System.nanoTime right after its disruptive step (the port
     * leaving the bridge, or the SIGKILL). A request sent after that instant cannot have been served by the
     * situation before the fault, which is what outage measurements need.
     */
    public record Injected(String description, long effectiveNanos) {}

    private final LabNetwork network;
    private final LabCluster cluster;
    private final LabLayout layout;
    private final Supplier<Set<Long>> observers;

    public Faults(Lab lab) {
        this(lab, Set::of);
    }

    /** {@code observers}: PIDs of lab tools that run in node namespaces (address monitors) and must survive. */
    public Faults(Lab lab, Supplier<Set<Long>> observers) {
        this.network = lab.network();
        this.cluster = lab.cluster();
        this.layout = lab.layout();
        this.observers = observers;
    }

    public Injected inject(Kind kind, int node) {
        return switch (kind) {
            case KILL -> kill(node);
            case ISOLATE -> isolate(node);
            case HEAL -> heal(node);
            case PAUSE -> pause(node);
            case RESUME -> resume(node);
            case KILL_SERVICE -> killService(node);
            case KILL_DAEMON -> killDaemon(node);
            case LOSE_UPLINK -> loseUplink(node);
            case FLAP -> flap(node, FLAP_PERIOD, FLAP_FOR);
        };
    }

    /**
     * Power loss. The port leaves the bridge first, so that nothing the dying processes send (a TCP reset, a
     * JGroups leave message) reaches the others: a machine losing power says no goodbye. Then every process
     * in the namespace gets SIGKILL, the link goes down and the addresses held in memory (the VIP) are lost.
     */
    public Injected kill(int node) {
        network.detach(node);
        long at = System.nanoTime();
        // Power loss takes the VIP with it at once. Killing every process takes up to a second on a loaded
        // machine, and a takeover is faster than that now: the address left on the dead node meanwhile was
        // counted as two holders, though no packet reached it. Forgotten again below, should a dying daemon
        // have put it back.
        network.forgetExtraAddresses(node);
        Set<Long> spared = observers.get();
        String ns = layout.nodeNamespace(node);
        List<Long> pids = Netns.pids(ns).stream().filter(p -> !spared.contains(p) && !VipWatch.isMonitor(p, ns)).toList();
        Pids.kill(pids);
        network.linkDown(node);
        network.forgetExtraAddresses(node);
        return new Injected(layout.nodeName(node) + " powered off (" + pids.size() + " processes killed, link down)", at);
    }

    /** Cuts the node off the network; it keeps running and believes its link is fine. */
    public Injected isolate(int node) {
        network.detach(node);
        long at = System.nanoTime();
        return new Injected(layout.nodeName(node) + " isolated (port off the bridge; processes keep running)", at);
    }

    /** Cuts the path between nodes a and b only (both keep reaching everyone else). */
    public Injected cut(int a, int b) {
        network.cut(a, b);
        long at = System.nanoTime();
        return new Injected("link " + layout.nodeName(a) + "-" + layout.nodeName(b) + " cut (both still reach the others)", at);
    }

    /** Node loses its path to the ping node (the client host) alone: its uplink to the router is gone. */
    public Injected loseUplink(int node) {
        network.unreachable(node, layout.clientAddress());
        long at = System.nanoTime();
        return new Injected(layout.nodeName(node) + " cannot reach the ping node " + layout.clientAddress() + " any more", at);
    }

    /**
     * A flapping link: node's port leaves and rejoins the bridge every {@code period} for {@code duration},
     * ending attached. Returns once done; the effective time is the first detach.
     */
    public Injected flap(int node, Duration period, Duration duration) {
        long first = 0;
        long end = System.nanoTime() + duration.toNanos();
        int flips = 0;
        boolean attachedNow = true;
        while (System.nanoTime() < end) {
            if (attachedNow) {
                network.detach(node);
                if (first == 0) first = System.nanoTime();
            } else {
                network.attach(node);
            }
            attachedNow = !attachedNow;
            flips++;
            Pids.sleep(period.toMillis());
        }
        if (!attachedNow) network.attach(node);
        return new Injected(layout.nodeName(node) + " link flapped " + flips + " times, every " + period.toMillis() + " ms for "
                + duration.toSeconds() + " s", first);
    }

    /** Undoes any fault: back on the bridge, link up, no cut, daemon resumed, or restarted if it is dead. */
    public Injected heal(int node) {
        StringBuilder what = new StringBuilder(layout.nodeName(node) + " healed: on the bridge, link up");
        network.attach(node);
        network.uncut(node);
        var pid = cluster.pid(node);
        if (pid.isPresent()) {
            if (Pids.stopped(pid.get())) {
                Pids.signal(pid.get(), "CONT");
                what.append(", daemon resumed");
            }
        } else {
            // A powered-off machine boots with nothing of its previous run in memory.
            network.forgetExtraAddresses(node);
            long started = cluster.start(node);
            what.append(", daemon restarted (PID ").append(started).append(')');
        }
        return new Injected(what.toString(), System.nanoTime());
    }

    /**
     * SIGKILL to the daemon alone: its services, addresses and guard stay, as after a crash of the daemon
     * (a JVM abort, the OOM killer). The guard must end what the daemon ran before anyone else starts it.
     */
    public Injected killDaemon(int node) {
        long pid = daemonPid(node);
        Pids.signal(pid, "KILL");
        long at = System.nanoTime();
        Pids.waitGone(List.of(pid), Duration.ofSeconds(5));
        return new Injected(layout.nodeName(node) + " daemon killed (SIGKILL to PID " + pid + "; its services and guard untouched)", at);
    }

    /** SIGSTOP to the daemon: a hung node that still holds its sockets and addresses. */
    public Injected pause(int node) {
        long pid = daemonPid(node);
        Pids.signal(pid, "STOP");
        return new Injected(layout.nodeName(node) + " daemon paused (SIGSTOP to PID " + pid + ")", System.nanoTime());
    }

    public Injected resume(int node) {
        long pid = daemonPid(node);
        Pids.signal(pid, "CONT");
        return new Injected(layout.nodeName(node) + " daemon resumed (SIGCONT to PID " + pid + ")", System.nanoTime());
    }

    /** SIGKILL to the web server (nginx master and workers) in the node's namespace, and nothing else. */
    public Injected killService(int node) {
        List<Long> nginx = Netns.pids(layout.nodeNamespace(node)).stream().filter(Faults::isNginx).toList();
        if (nginx.isEmpty()) {
            throw new LabException("no web server (nginx) runs in " + layout.nodeNamespace(node));
        }
        nginx.forEach(p -> Pids.signal(p, "KILL"));
        long at = System.nanoTime();
        Pids.waitGone(nginx, Duration.ofSeconds(5));
        return new Injected(layout.nodeName(node) + " web server killed (PIDs " + nginx + ")", at);
    }

    /** nginx renames its processes "nginx: master process ..." and "nginx: worker process". */
    public static boolean isNginx(long pid) {
        List<String> argv = Pids.cmdline(pid);
        if (argv.isEmpty()) {
            return false;
        }
        String first = argv.get(0);
        return first.startsWith("nginx") || first.endsWith("/nginx");
    }

    private long daemonPid(int node) {
        return cluster.pid(node).orElseThrow(() -> new LabException("the daemon of " + layout.nodeName(node)
                + " does not run (killed? use `haven lab fault heal " + layout.nodeName(node) + "`)"));
    }
}
