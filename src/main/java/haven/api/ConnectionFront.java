package haven.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The exposed API's listening socket: accepts a connection only while its client address holds fewer than
 * {@code maxPerAddress} and all clients fewer than {@code maxConnections}, else closes it at once (a reset,
 * so it costs nothing further), and relays the bytes of an accepted one, still encrypted, to the HTTPS server
 * on a loopback port. The JDK's server bounds connections only in all, so without this one host opening
 * thousands of slow connections would fill that bound and lock everyone else out; with it, that host is
 * refused and others are served. The server behind closes a connection slow to deliver its request
 * ({@link HttpLimits}), and the relay ends with it.
 *
 * <p>Threads: one platform thread accepts; each relay runs on two virtual threads, one per direction.
 */
final class ConnectionFront implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("haven.api");
    private static final int BACKEND_CONNECT_MS = 2000;
    private static final long REFUSAL_LOG_INTERVAL_MS = 60_000;
    private static final int BUFFER_BYTES = 8192;
    /**
     * Room for a burst of connections between two accepts. When the queue is full the kernel drops new SYNs and
     * every client, an honest one too, waits 1 s for its retransmission: measured in the lab with 5,000
     * connections re-opened at once and a queue of 128 (one read in 27 took 1.05 s). The kernel caps it at
     * net.core.somaxconn (4096 by default).
     */
    private static final int ACCEPT_BACKLOG = 4096;

    private final ServerSocket listener;
    private final InetSocketAddress backend;
    private final HttpLimits.Front limits;
    private final Map<InetAddress, Integer> open = new HashMap<>();
    private final Map<InetAddress, Long> lastRefusalLogged = new HashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private int total;
    private volatile boolean closed;
    private long lastAcceptFailureLogged;

    private ConnectionFront(ServerSocket listener, InetSocketAddress backend, HttpLimits.Front limits) {
        this.listener = listener;
        this.backend = backend;
        this.limits = limits;
    }

    static ConnectionFront open(InetSocketAddress listen, InetSocketAddress backend, HttpLimits.Front limits) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(listen, ACCEPT_BACKLOG);
        ConnectionFront f = new ConnectionFront(s, backend, limits);
        Thread.ofPlatform().daemon().name("haven-api-front").start(f::acceptLoop);
        return f;
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections closed at once because their address, or all clients, held the most allowed. */
    long refused() {
        return refused.get();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) return;
                // Out of file descriptors, say: a pause, and the listener goes on (it must not end for good).
                long now = System.currentTimeMillis();
                if (now - lastAcceptFailureLogged >= REFUSAL_LOG_INTERVAL_MS) {
                    lastAcceptFailureLogged = now;
                    LOG.log(System.Logger.Level.WARNING, "the exposed API cannot accept a connection (" + e + "); retrying");
                }
                sleepQuietly(100);
                continue;
            }
            InetAddress from = client.getInetAddress();
            String refusal = admit(from);
            if (refusal != null) {
                refuse(client, from, refusal);
            } else {
                Thread.ofVirtual().name("haven-api-relay").start(() -> relay(client, from));
            }
        }
    }

    /** Counts the connection in and returns null, or says which bound it would pass. */
    private synchronized String admit(InetAddress from) {
        int mine = open.getOrDefault(from, 0);
        if (mine >= limits.maxPerAddress()) return mine + " connections from " + from.getHostAddress() + " are open (at most "
                + limits.maxPerAddress() + " per address)";
        if (total >= limits.maxConnections()) return total + " connections are open (at most " + limits.maxConnections() + ")";
        open.put(from, mine + 1);
        total++;
        return null;
    }

    private synchronized void release(InetAddress from) {
        open.computeIfPresent(from, (a, n) -> n <= 1 ? null : n - 1);
        total--;
    }

    private void refuse(Socket client, InetAddress from, String why) {
        refused.incrementAndGet();
        try (client) {
            client.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // it is being dropped anyway
        }
        long now = System.currentTimeMillis();
        boolean log;
        synchronized (this) {
            if (lastRefusalLogged.size() > 1024) lastRefusalLogged.clear(); // many addresses: forget, log again
            Long last = lastRefusalLogged.get(from);
            log = last == null || now - last >= REFUSAL_LOG_INTERVAL_MS;
            if (log) lastRefusalLogged.put(from, now);
        }
        if (log) LOG.log(System.Logger.Level.WARNING, "exposed API: refusing connections from " + from.getHostAddress() + ": "
                + why + " (logged once a minute per address; " + refused.get() + " refused in all)");
    }

    private void relay(Socket client, InetAddress from) {
        try (client; Socket server = new Socket()) {
            server.connect(backend, BACKEND_CONNECT_MS);
            Thread up = Thread.ofVirtual().name("haven-api-relay-up").start(() -> {
                if (copy(client, server)) halfClose(server);
                else closeQuietly(server, client);
            });
            copy(server, client);
            closeQuietly(server, client);
            up.join();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "exposed API relay for " + from + " ended: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release(from);
        }
    }

    /** Copies until the end of {@code from}'s stream: true at its end, false when either side broke. */
    private static boolean copy(Socket from, Socket to) {
        byte[] buf = new byte[BUFFER_BYTES];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void halfClose(Socket s) {
        try {
            s.shutdownOutput();
        } catch (IOException ignored) {
            // closed meanwhile: the other direction ends the relay
        }
    }

    private static void closeQuietly(Socket... sockets) {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // the relays end when the server behind stops
        }
    }
}
