package haven.replication;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A replica's end of a replicated directory: listens on the node's replication address, lets in a primary that
 * proves the cluster key and whose generation is not older than the copy's, sends it the copy's manifest, takes
 * what differs, then applies its records and confirms them. One primary at a time: a newer one replaces the
 * connection of an older one; an older one is refused (a stale primary's changes never land here).
 *
 * <p>Before the copy is replaced by a primary of a newer generation than its own, whatever the replacement
 * changes or deletes is kept aside under {@code diverged/} (the old primary's changes the new one never saw);
 * {@link #keptAside} counts them.
 */
public final class ReplicaServer implements AutoCloseable {
    private static final int FLUSH_MS = 500;
    /** Handshakes at once, and how long one may take: peers answer in milliseconds. */
    private static final int HANDSHAKES = 8;
    private static final int HANDSHAKE_MS = 5_000;

    private final java.util.concurrent.Semaphore handshakes = new java.util.concurrent.Semaphore(HANDSHAKES);

    private final String resource;
    private final ReplicationKey key;
    private final Applier applier;
    private final Path stateFile;
    private final Path divergedDir;
    private final Consumer<String> log;
    private final ServerSocket server;
    private volatile boolean closed;
    private volatile DataState state;
    private volatile String primaryName = "";
    private volatile String lastPrimary = "";
    /** The last record applied from the primary followed now or last; unknown until one brought this copy in step. */
    private volatile long appliedSeq = PeerStates.UNKNOWN;
    private volatile long keptAside;
    private SealedChannel current;
    private final Thread acceptor;
    private final Thread flusher;

    public ReplicaServer(String resource, Path directory, Path metaDir, InetSocketAddress listen, ReplicationKey key,
            Consumer<String> log) throws IOException {
        this.resource = resource;
        this.key = key;
        this.applier = new Applier(directory);
        this.stateFile = metaDir.resolve("state");
        this.divergedDir = metaDir.resolve("diverged");
        this.log = log;
        this.state = DataState.read(stateFile);
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(listen);
        this.acceptor = Thread.ofPlatform().daemon().name("rdir-" + resource + "-accept").start(this::acceptLoop);
        this.flusher = Thread.ofPlatform().daemon().name("rdir-" + resource + "-flush").start(this::flushLoop);
    }

    public DataState state() {
        return state;
    }

    /** The primary streaming to this copy now, or empty. */
    public String primary() {
        return primaryName;
    }

    /** The primary this copy followed last, connected or not; empty if none since the server started. */
    String lastPrimary() {
        return lastPrimary;
    }

    public long appliedSeq() {
        return appliedSeq;
    }

    public long keptAside() {
        return keptAside;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                if (!handshakes.tryAcquire()) {
                    // Only nodes with the key get further than the handshake; a flood of strangers gets no thread each.
                    close(s);
                    continue;
                }
                s.setTcpNoDelay(true);
                Thread.ofPlatform().daemon().name("rdir-" + resource + "-from-" + s.getInetAddress().getHostAddress()).start(() -> serve(s));
            } catch (IOException e) {
                if (!closed) log.accept("replication listener failed: " + e.getMessage());
                return;
            }
        }
    }

    private void flushLoop() {
        while (!closed) {
            try {
                Thread.sleep(FLUSH_MS);
                applier.flush();
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                log.accept("writing replicated changes to disk failed: " + e.getMessage());
            }
        }
    }

    private void serve(Socket socket) {
        SealedChannel channel;
        try {
            socket.setSoTimeout(HANDSHAKE_MS);
            channel = SealedChannel.asReplica(socket, key, resource);
        } catch (IOException e) {
            log.accept("replication connection from " + socket.getInetAddress().getHostAddress() + " refused: " + e.getMessage());
            close(socket);
            return;
        } finally {
            handshakes.release();
        }
        try {
            byte[] hello = channel.receive();
            if (Wire.type(hello) == Wire.QUERY) {
                DataState s = state;
                channel.send(Wire.message(Wire.STATE, out -> {
                    out.writeLong(s.generation());
                    out.writeLong(s.epoch());
                    out.writeBoolean(s.primary());
                    out.writeBoolean(s.whole());
                    out.writeLong(appliedSeq);
                }));
                channel.flush();
                return;
            }
            if (Wire.type(hello) != Wire.HELLO) throw new IOException("expected HELLO, got message " + Wire.type(hello));
            DataInputStream f = Wire.fields(hello);
            long generation = f.readLong();
            String name = f.readUTF();
            if (!admit(channel, generation, name)) return;
            socket.setSoTimeout(0);
            follow(channel, generation, name);
        } catch (IOException e) {
            if (!closed) log.accept("replication from the primary ended: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        } finally {
            release(channel);
        }
    }

    /** Refuses a primary older than the copy; otherwise makes it the one primary this copy follows. */
    private synchronized boolean admit(SealedChannel channel, long generation, String name) throws IOException {
        if (closed) return false;
        if (generation < state.generation()) {
            String why = "this copy comes from generation " + state.generation() + ", newer than " + name + "'s " + generation
                    + ": " + name + " is a stale primary";
            log.accept("refused primary " + name + ": " + why);
            channel.send(Wire.withText(Wire.REFUSE, why));
            channel.flush();
            channel.close();
            return false;
        }
        if (current != null) current.close();
        current = channel;
        return true;
    }

    private synchronized void release(SealedChannel channel) {
        channel.close();
        if (current == channel) {
            current = null;
            primaryName = "";
        }
    }

    private void follow(SealedChannel channel, long generation, String name) throws IOException {
        boolean newer = generation > state.generation();
        Path aside = divergedDir.resolve("generation-" + state.generation() + "-before-" + generation + "-" + Instant.now().toEpochMilli());
        setState(new DataState(generation, 0, false, false));
        primaryName = name;
        lastPrimary = name;
        log.accept("catching up from primary " + name + " (generation " + generation + ")");
        for (Manifest.Entry e : Manifest.of(applier.root()).values()) channel.send(Wire.message(Wire.ENTRY, e::write));
        channel.send(new byte[] {Wire.MANIFEST_END});
        channel.flush();
        OutputStream part = null;
        Manifest.Entry putting = null;
        int uid = -1, gid = -1;
        long mtime = 0;
        while (true) {
            byte[] m = channel.receive();
            DataInputStream f = Wire.fields(m);
            switch (Wire.type(m)) {
                case Wire.PUT_BEGIN -> {
                    putting = Manifest.Entry.read(f);
                    uid = f.readInt();
                    gid = f.readInt();
                    mtime = f.readLong();
                    if (part != null) part.close();
                    part = putting.kind() == Manifest.Kind.FILE ? Files.newOutputStream(applier.partFor(putting.path())) : null;
                }
                case Wire.PUT_DATA -> {
                    if (part == null) throw new IOException("file data without a file being put");
                    part.write(m, 1, m.length - 1);
                }
                case Wire.PUT_END -> {
                    if (putting == null) throw new IOException("end of a put that did not begin");
                    if (part != null) part.close();
                    part = null;
                    if (newer) keepAside(putting.path(), aside);
                    applier.put(putting, uid, gid, mtime);
                    putting = null;
                }
                case Wire.DELETE -> {
                    String rel = f.readUTF();
                    Record.checkPath(rel);
                    if (newer) keepAside(rel, aside);
                    applier.delete(rel);
                }
                case Wire.READY -> {
                    appliedSeq = f.readLong();
                    long epoch = f.readLong();
                    setState(new DataState(generation, epoch, false, true));
                    channel.send(Wire.withSeq(Wire.EPOCH_ACK, epoch));
                    log.accept("in step with primary " + name + " (generation " + generation + ") from record " + appliedSeq
                            + (keptAside > 0 ? "; " + keptAside + " entries that differed kept aside under " + aside : ""));
                    ack(channel);
                }
                case Wire.RECORD -> {
                    Record r = Record.decode(Wire.body(m));
                    if (r.seq() != appliedSeq + 1) throw new IOException("record " + r.seq() + " after " + appliedSeq + ": the stream skipped");
                    applier.apply(r);
                    appliedSeq = r.seq();
                    if (!channel.moreBuffered()) ack(channel);
                }
                case Wire.PING -> ack(channel);
                case Wire.EPOCH -> {
                    long epoch = f.readLong();
                    setState(new DataState(generation, epoch, false, true));
                    channel.send(Wire.withSeq(Wire.EPOCH_ACK, epoch));
                    channel.flush();
                }
                case Wire.DROP -> {
                    setState(state.withWhole(false));
                    throw new IOException("the primary dropped this replica: " + f.readUTF());
                }
                default -> throw new IOException("unexpected replication message " + Wire.type(m));
            }
        }
    }

    private void keepAside(String rel, Path aside) throws IOException {
        if (!Files.exists(applier.root().resolve(rel), LinkOption.NOFOLLOW_LINKS)) return;
        applier.keepAside(rel, aside);
        keptAside++;
    }

    private void ack(SealedChannel channel) throws IOException {
        channel.send(Wire.withSeq(Wire.ACK, appliedSeq));
        channel.flush();
    }

    private void setState(DataState next) throws IOException {
        next.write(stateFile);
        state = next;
    }


    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        synchronized (this) {
            if (current != null) current.close();
        }
        flusher.interrupt();
        try {
            acceptor.join(2000);
            flusher.join(2000);
            applier.flush();
            applier.closeAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.accept("writing replicated changes to disk at close failed: " + e.getMessage());
        }
    }
}
