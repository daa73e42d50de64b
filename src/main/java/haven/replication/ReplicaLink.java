package haven.replication;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The primary's connection to one replica: connects (again and again while the primary lasts), catches the replica
 * up from the directory, then streams the journal to it and reads its confirmations. A replica that refuses this
 * primary as stale stops the whole primary ({@link PrimaryStream#stale}); one that does not confirm within the
 * sync limit, or falls behind the journal, is dropped and caught up again.
 */
final class ReplicaLink {
    enum Phase { CONNECTING, CATCHING_UP, IN_SYNC }

    private static final Duration CONNECT_LIMIT = Duration.ofSeconds(1);
    private static final Duration RETRY = Duration.ofMillis(500);
    private static final int CHUNK = 1 << 18;
    private static final long IDLE_PING_MS = 500;

    private final PrimaryStream stream;
    private final String peer;
    private final InetSocketAddress address;
    private final Consumer<String> log;
    private final Thread thread;
    private volatile Phase phase = Phase.CONNECTING;
    private volatile long sent;
    private volatile long acked;
    private volatile long sentEpoch;
    private volatile long ackedEpoch;
    /** When the oldest record not yet confirmed was sent (nanoTime), or 0 when all are confirmed. */
    private volatile long waitingSince;
    private volatile long lastSendNanos = System.nanoTime();
    private volatile SealedChannel channel;
    /** Paths changed while this replica was being copied (guarded by the journal's lock). */
    private Set<String> touched;
    private volatile boolean stopped;
    private final boolean direct;
    private final java.util.concurrent.locks.ReentrantLock sendLock = new java.util.concurrent.locks.ReentrantLock();

    ReplicaLink(PrimaryStream stream, String peer, InetSocketAddress address, Consumer<String> log) {
        this.stream = stream;
        this.peer = peer;
        this.address = address;
        this.log = log;
        this.direct = stream.mode() == PrimaryStream.Mode.SYNC;
        this.thread = Thread.ofPlatform().daemon().name("rdir-" + stream.resource() + "-to-" + peer).start(this::run);
    }

    String peer() {
        return peer;
    }

    private int readTimeoutMs() {
        return (int) Math.max(5000, stream.syncTimeout().toMillis() * 4);
    }

    Phase phase() {
        return phase;
    }

    long acked() {
        return acked;
    }

    /** The newest sync epoch this replica recorded on disk (and confirmed). */
    long ackedEpoch() {
        return ackedEpoch;
    }

    long sent() {
        return sent;
    }

    /** Called by the journal's appender, under the journal's lock, for every record. */
    void noteChange(Record r) {
        if (touched != null) touched.addAll(r.touched());
    }

    private void run() {
        boolean reported = false;
        while (!stopped && !stream.isStale()) {
            try (Socket socket = new Socket()) {
                socket.setTcpNoDelay(true);
                socket.connect(address, (int) CONNECT_LIMIT.toMillis());
                socket.setSoTimeout(readTimeoutMs());
                channel = SealedChannel.asPrimary(socket, stream.key(), stream.resource());
                reported = false;
                session(channel);
            } catch (IOException e) {
                if (!reported && !stopped) log.accept("replica " + peer + " (" + address + "): " + e.getMessage());
                reported = true;
            } catch (InterruptedException e) {
                return;
            } finally {
                leaveSync();
            }
            if (stopped) return;
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void session(SealedChannel ch) throws IOException, InterruptedException {
        ch.send(Wire.message(Wire.HELLO, out -> {
            out.writeLong(stream.generation());
            out.writeUTF(stream.self());
        }));
        ch.flush();
        // The replica checksums its whole copy before it answers: as long as that takes, on a copy of any size.
        ch.readTimeout(0);
        Map<String, Manifest.Entry> theirs = new TreeMap<>();
        while (true) {
            byte[] m = ch.receive();
            byte type = Wire.type(m);
            if (type == Wire.REFUSE) {
                stream.stale("replica " + peer + " refused this primary: " + Wire.fields(m).readUTF());
                return;
            }
            if (type == Wire.MANIFEST_END) break;
            if (type != Wire.ENTRY) throw new IOException("expected the replica's manifest, got message " + type);
            Manifest.Entry e = Manifest.Entry.read(Wire.fields(m));
            theirs.put(e.path(), e);
        }
        phase = Phase.CATCHING_UP;
        Path root = stream.directory();
        synchronized (stream.journal()) {
            touched = new TreeSet<>();
        }
        Map<String, Manifest.Entry> ours = Manifest.of(root);
        for (String extra : Manifest.extra(ours, theirs)) ch.send(Wire.withText(Wire.DELETE, extra));
        for (Manifest.Entry e : Manifest.missing(ours, theirs)) put(ch, root, e);
        final long ready;
        synchronized (stream.journal()) {
            // Writers wait here (the appender needs this lock): whatever changed during the copy is sent as it is now.
            for (String rel : touched) {
                Map<String, Manifest.Entry> now = Manifest.of(root, rel);
                if (now.isEmpty()) ch.send(Wire.withText(Wire.DELETE, rel));
                for (Manifest.Entry e : now.values()) put(ch, root, e);
            }
            touched = null;
            ready = stream.journal().lastSeq();
            long epoch = stream.epoch();
            sent = ready;
            acked = ready;
            sentEpoch = epoch;
            ackedEpoch = 0;
            waitingSince = System.nanoTime();
            phase = Phase.IN_SYNC;
            ch.send(Wire.message(Wire.READY, out -> {
                out.writeLong(ready);
                out.writeLong(epoch);
            }));
            ch.flush();
        }
        // In sync, the replica answers at least every ping: a silence this long means it is gone.
        ch.readTimeout(readTimeoutMs());
        log.accept("replica " + peer + " in step from record " + ready);
        stream.replicaJoined(peer);
        Thread acks = Thread.ofPlatform().daemon().name("rdir-" + stream.resource() + "-acks-" + peer).start(() -> readAcks(ch));
        try {
            stream(ch);
        } finally {
            ch.close();
            acks.join(1000);
        }
    }

    /**
     * In sync mode the records' reader sends every record itself ({@link #sendLive}); this thread then only sends
     * epochs and watches for a silent replica. In async mode a slow replica must not hold the writers back, so this
     * thread sends from the journal, as far behind as the journal reaches.
     */
    private void stream(SealedChannel ch) throws IOException, InterruptedException {
        while (!stopped && !stream.isStale() && !ch.isClosed()) {
            if (direct) {
                Thread.sleep(50);
            } else {
                List<Journal.Entry> next;
                try {
                    next = stream.journal().after(sent, Duration.ofMillis(100));
                } catch (Journal.FellBehind e) {
                    drop(ch, e.getMessage());
                    return;
                }
                if (!next.isEmpty()) {
                    sendLock.lock();
                    try {
                        if (waitingSince == 0) waitingSince = System.nanoTime();
                        // Before sending: the replica's confirmation may come back before the next line would run.
                        sent = next.get(next.size() - 1).seq();
                        lastSendNanos = System.nanoTime();
                        for (Journal.Entry e : next) ch.send(Wire.record(e.body()));
                        ch.flush();
                    } finally {
                        sendLock.unlock();
                    }
                }
            }
            sendEpoch(stream.epoch());
            pingIfIdle();
            long since = waitingSince;
            if (since != 0 && System.nanoTime() - since > stream.syncTimeout().toNanos()) {
                drop(ch, "no confirmation within " + stream.syncTimeout().toMillis() + " ms");
                return;
            }
        }
    }

    /** Sends record {@code seq} to this replica at once if it is in sync and fed directly; called under the journal's lock. */
    void sendLive(long seq, byte[] body) {
        SealedChannel ch = channel;
        if (!direct || phase != Phase.IN_SYNC || ch == null) return;
        sendLock.lock();
        try {
            if (waitingSince == 0) waitingSince = System.nanoTime();
            sent = seq;
            lastSendNanos = System.nanoTime();
            ch.send(Wire.record(body));
            ch.flush();
        } catch (IOException e) {
            ch.close(); // this link's thread finds it closed and leaves the in-sync set
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * With nothing sent for {@link #IDLE_PING_MS}, asks the replica for a confirmation: its answer (or silence, which
     * the sync limit then drops) tells the primary the replica is still there, and keeps the connection's read
     * timeout from ending a healthy link.
     */
    private void pingIfIdle() {
        SealedChannel ch = channel;
        if (ch == null || System.nanoTime() - lastSendNanos < IDLE_PING_MS * 1_000_000L) return;
        sendLock.lock();
        try {
            if (waitingSince == 0) waitingSince = System.nanoTime();
            lastSendNanos = System.nanoTime();
            ch.send(new byte[] {Wire.PING});
            ch.flush();
        } catch (IOException e) {
            ch.close();
        } finally {
            sendLock.unlock();
        }
    }

    /** Tells an in-sync replica of a newer epoch (the primary confirms nothing more until it recorded it). */
    void sendEpoch(long epoch) {
        SealedChannel ch = channel;
        if (phase != Phase.IN_SYNC || ch == null) return;
        sendLock.lock();
        try {
            if (epoch <= sentEpoch) return;
            if (waitingSince == 0) waitingSince = System.nanoTime();
            sentEpoch = epoch;
            lastSendNanos = System.nanoTime();
            ch.send(Wire.withSeq(Wire.EPOCH, epoch));
            ch.flush();
        } catch (IOException e) {
            ch.close();
        } finally {
            sendLock.unlock();
        }
    }

    private void readAcks(SealedChannel ch) {
        try {
            while (true) {
                byte[] m = ch.receive();
                long value = Wire.fields(m).readLong();
                switch (Wire.type(m)) {
                    case Wire.ACK -> {
                        if (value > sent) throw new IOException("the replica confirmed record " + value + ", beyond the " + sent + " sent");
                        acked = value;
                        stream.lagMeter().confirmed(value, System.nanoTime());
                    }
                    case Wire.EPOCH_ACK -> {
                        if (value > sentEpoch) throw new IOException("the replica confirmed epoch " + value + ", beyond the " + sentEpoch + " sent");
                        ackedEpoch = value;
                    }
                    default -> throw new IOException("expected ACK or EPOCH_ACK, got message " + Wire.type(m));
                }
                waitingSince = acked >= sent && ackedEpoch >= sentEpoch ? 0 : System.nanoTime();
                stream.confirmationsChanged();
            }
        } catch (IOException e) {
            ch.close();
        }
    }

    /**
     * Out of the in-sync set, telling the replica so when its connection takes the message; a sender stuck on a
     * replica that reads nothing holds the send lock, and then only closing the connection frees it.
     */
    private void drop(SealedChannel ch, String why) throws IOException, InterruptedException {
        log.accept("dropping replica " + peer + ": " + why);
        leaveSync();
        if (sendLock.tryLock(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            try {
                ch.send(Wire.withText(Wire.DROP, why));
                ch.flush();
            } finally {
                sendLock.unlock();
            }
        }
        ch.close();
    }

    /** Out of the in-sync set: if it was in it, the primary moves to a new epoch before it confirms anything more. */
    private void leaveSync() {
        boolean wasInSync = phase == Phase.IN_SYNC;
        phase = Phase.CONNECTING;
        if (wasInSync) stream.replicaLeft(peer);
        synchronized (stream.journal()) {
            touched = null;
        }
    }

    private static void put(SealedChannel ch, Path root, Manifest.Entry e) throws IOException {
        Path p = root.resolve(e.path());
        PosixFileAttributes attrs;
        try {
            attrs = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException gone) {
            return; // removed since the manifest: its record follows
        }
        int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        int gid = (Integer) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
        ch.send(Wire.message(Wire.PUT_BEGIN, out -> {
            e.write(out);
            out.writeInt(uid);
            out.writeInt(gid);
            out.writeLong(attrs.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS));
        }));
        if (e.kind() == Manifest.Kind.FILE) {
            try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
                byte[] buf = new byte[CHUNK + 1];
                for (int n; (n = in.readNBytes(buf, 1, CHUNK)) > 0; ) {
                    buf[0] = Wire.PUT_DATA;
                    ch.send(java.util.Arrays.copyOf(buf, n + 1));
                }
            } catch (java.nio.file.NoSuchFileException gone) {
                // removed while being sent: the part sent is dropped by the record that removed it
            }
        }
        ch.send(new byte[] {Wire.PUT_END});
    }

    void stop() {
        stopped = true;
        SealedChannel ch = channel;
        if (ch != null) ch.close();
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
