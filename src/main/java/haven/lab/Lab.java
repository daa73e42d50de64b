package haven.lab;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * One lab: its network, its folder and its daemons. {@link #up} builds all of it and returns only once the
 * service answers at the VIP; {@link #down} removes all of it, whatever state it is in.
 */
public final class Lab {
    public static final Duration UP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * {@link #UP_TIMEOUT} for three nodes, and 10 s more for every node beyond: every daemon and guard JVM
     * starts on the same few cores, so a lab of 16 takes several times as long to come up as one of 3.
     */
    public static Duration upTimeout(LabLayout layout) {
        return UP_TIMEOUT.plusSeconds(10L * Math.max(0, layout.nodes() - 3));
    }
    private final LabLayout layout;
    private final LabNetwork network;
    private final LabCluster cluster;

    private Lab(LabLayout layout, LabState state, HavenRuntime runtime) {
        this.layout = layout;
        this.network = new LabNetwork(layout);
        this.cluster = new LabCluster(layout, state, runtime);
    }

    public LabLayout layout() {
        return layout;
    }

    public LabNetwork network() {
        return network;
    }

    public LabCluster cluster() {
        return cluster;
    }

    /**
     * Builds a lab and waits until http://VIP/ answers from the client namespace. On any failure, and if the
     * JVM is stopped meanwhile (Ctrl-C), everything built so far is removed again.
     */
    public static Lab up(LabLayout layout, Duration timeout, Consumer<String> narrate) {
        return up(layout, timeout, narrate, state -> { });
    }

    /**
     * The same, with {@code beforeStart} run once the network and files exist and before any daemon starts:
     * a test adds its own groups to the config and its servers' per-node files there. Whatever it writes
     * under the lab's folder or /etc/netns/NS/haven-lab-P goes with {@link #down}.
     */
    public static Lab up(LabLayout layout, Duration timeout, Consumer<String> narrate, Consumer<LabState> beforeStart) {
        if (LabNetwork.anyPartExists(layout.prefix()) || LabState.find(layout.prefix()).isPresent()) {
            throw new LabException("a lab with prefix '" + layout.prefix() + "' already exists; remove it with"
                    + " `haven lab down --prefix " + layout.prefix() + "` or choose another prefix");
        }
        Thread undo = new Thread(() -> down(layout.prefix()), "lab-undo-" + layout.prefix());
        Runtime.getRuntime().addShutdownHook(undo);
        boolean done = false;
        try {
            LabState state = LabState.create(layout);
            Lab lab = new Lab(layout, state, HavenRuntime.current());
            narrate.accept("network: " + layout.nodes() + " node namespaces " + layout.nodeNamespace(1) + ".."
                    + layout.nodeNamespace(layout.nodes()) + " and " + layout.clientNamespace() + " on bridge "
                    + layout.bridge() + ", subnet " + layout.subnet());
            lab.network.create();
            new LabFiles(layout, state).writeAll();
            beforeStart.accept(state);
            narrate.accept("daemons: starting " + layout.nodes() + " haven nodes (logs in " + state.dir().resolve("logs") + ")");
            lab.cluster.startAll();
            narrate.accept("waiting for http://" + layout.vip() + "/ to answer from " + layout.clientNamespace());
            Http.Reply first = lab.cluster.awaitService(timeout);
            narrate.accept("service answers: " + first.body().strip());
            done = true;
            return lab;
        } finally {
            if (!done) {
                down(layout.prefix());
            }
            try {
                Runtime.getRuntime().removeShutdownHook(undo);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook runs (down is idempotent)
            }
        }
    }

    /** The lab that a previous command brought up. */
    public static Lab open(String prefix) {
        LabLayout layout = LabState.layoutOf(prefix);
        return new Lab(layout, LabState.find(prefix).orElseThrow(), HavenRuntime.current());
    }

    /** Removes every trace of the lab with this prefix; idempotent, and works after a half-failed up. */
    public static synchronized void down(String prefix) {
        LabState.find(prefix).ifPresent(state -> {
            try {
                new LabCluster(LabState.layoutOf(prefix), state, HavenRuntime.current()).stopAll();
            } catch (LabException e) {
                // a damaged folder: the namespace sweep below still finds every process
            }
        });
        LabNetwork.destroy(prefix);
        LabFiles.removeEtc(prefix);
        LabState.find(prefix).ifPresent(LabState::delete);
    }
}
