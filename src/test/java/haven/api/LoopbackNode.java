package haven.api;

import haven.cib.ClusterState;
import haven.cib.Command;
import haven.config.ClusterConfig;
import haven.events.EventRecorder;
import haven.membership.ClusterLog;
import haven.node.NodeStatus;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real ApiServer on a loopback port in front of a one-node stand-in for the cluster log: each proposal is
 * applied to the status snapshot at once, in the order proposals arrive, and published, as the daemon
 * does after the real log commits. For tests of the application services and their client library.
 */
public final class LoopbackNode implements AutoCloseable {
    private final List<List<Command>> committed = new CopyOnWriteArrayList<>();
    private final AtomicReference<NodeStatus> status;
    private final ClusterConfig config;
    private final int port;
    private ApiServer server;

    public LoopbackNode() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        config = Snapshots.config(port);
        status = new AtomicReference<>(Snapshots.status(config, ClusterState.EMPTY, List.of(Snapshots.N1, Snapshots.N2,
                Snapshots.N3), true));
        start();
    }


    private CompletableFuture<Void> commit(List<Command> entry) {
        synchronized (this) {
            committed.add(entry);
            set(status.get().state().apply(entry));
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Starts (or restarts, on the same port) the API server. */
    public void start() throws IOException {
        ClusterLog log = (entry, timeout) -> commit(entry);
        server = new ApiServer(config, status::get, log, new EventRecorder(Snapshots.N1, System::currentTimeMillis, 8));
        server.start();
    }

    /** Stops the API server: every open connection breaks, as when the daemon restarts. */
    public void stopServer() {
        server.close();
    }

    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public List<List<Command>> committed() {
        return committed;
    }

    public NodeStatus status() {
        return status.get();
    }

    /** Publishes a snapshot with this state, as the daemon's loop would. */
    public synchronized void set(ClusterState state) {
        NodeStatus s = status.get();
        status.set(new NodeStatus(s.config(), s.self(), state, s.members(), s.coordinator(), s.quorate(), s.local(),
                s.explanations(), s.viewsSeen()));
        if (server != null) server.published();
    }

    /** This node loses (or regains) quorum. */
    public synchronized void quorate(boolean quorate) {
        NodeStatus s = status.get();
        status.set(new NodeStatus(s.config(), s.self(), s.state(), quorate ? s.members() : List.of(s.self()), s.coordinator(),
                quorate, s.local(), s.explanations(), s.viewsSeen()));
    }

    @Override
    public void close() {
        server.close();
    }
}
