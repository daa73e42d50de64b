package haven.replication;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * A replication connection between two nodes: both prove they hold the cluster key (HMAC over fresh nonces from
 * both sides and the resource's name), then every message is sealed with AES-256-GCM under keys of this
 * connection alone, one per direction, the message counter as nonce. A replica so never applies a change from
 * anyone without the key, and a recorded stream cannot be replayed into another connection or resource.
 *
 * <p>Not thread-safe per direction: one thread sends, one receives.
 */
final class SealedChannel implements AutoCloseable {
    private static final byte[] MAGIC = "haven-rdir/1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE_BYTES = 32;
    private static final int TAG_BITS = 128;
    static final int MAX_MESSAGE = Record.MAX_BODY + 4096;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;
    private final SecretKey sendKey;
    private final SecretKey receiveKey;
    private final Cipher sealer;
    private final Cipher opener;
    private long sent;
    private long received;

    private SealedChannel(Socket socket, DataInputStream in, DataOutputStream out, SecretKey sendKey, SecretKey receiveKey)
            throws GeneralSecurityException {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.sendKey = sendKey;
        this.receiveKey = receiveKey;
        this.sealer = Cipher.getInstance("AES/GCM/NoPadding");
        this.opener = Cipher.getInstance("AES/GCM/NoPadding");
    }

    /** The primary's side: opens the connection's keys with the replica listening on {@code socket}. */
    static SealedChannel asPrimary(Socket socket, ReplicationKey key, String resource) throws IOException {
        var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        byte[] mine = nonce();
        out.write(MAGIC);
        out.write(mine);
        out.flush();
        byte[] theirs = readExactly(in, NONCE_BYTES);
        byte[] proof = readExactly(in, 32);
        if (!MessageDigest.isEqual(proof, key.proof("replica", resource, mine, theirs))) {
            throw new IOException("the replica did not prove it holds the cluster key (a different cluster.key, or not a haven replica)");
        }
        out.write(key.proof("primary", resource, mine, theirs));
        out.flush();
        return open(socket, in, out, key.session("primary->replica", resource, mine, theirs), key.session("replica->primary", resource, mine, theirs));
    }

    /** The replica's side of {@link #asPrimary}. */
    static SealedChannel asReplica(Socket socket, ReplicationKey key, String resource) throws IOException {
        var in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), 1 << 16));
        var out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        if (!MessageDigest.isEqual(readExactly(in, MAGIC.length), MAGIC)) throw new IOException("not a haven replication connection");
        byte[] theirs = readExactly(in, NONCE_BYTES);
        byte[] mine = nonce();
        out.write(mine);
        out.write(key.proof("replica", resource, theirs, mine));
        out.flush();
        if (!MessageDigest.isEqual(readExactly(in, 32), key.proof("primary", resource, theirs, mine))) {
            throw new IOException("the connecting node did not prove it holds the cluster key");
        }
        return open(socket, in, out, key.session("replica->primary", resource, theirs, mine), key.session("primary->replica", resource, theirs, mine));
    }

    private static SealedChannel open(Socket socket, DataInputStream in, DataOutputStream out, SecretKey send, SecretKey receive)
            throws IOException {
        try {
            return new SealedChannel(socket, in, out, send, receive);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM is not available in this JDK: " + e.getMessage(), e);
        }
    }

    void send(byte[] message) throws IOException {
        try {
            sealer.init(Cipher.ENCRYPT_MODE, sendKey, new GCMParameterSpec(TAG_BITS, counterNonce(sent++)));
            byte[] sealed = sealer.doFinal(message);
            out.writeInt(sealed.length);
            out.write(sealed);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal a replication message: " + e.getMessage(), e);
        }
    }

    void flush() throws IOException {
        out.flush();
    }

    byte[] receive() throws IOException {
        int length = in.readInt();
        if (length < TAG_BITS / 8 || length > MAX_MESSAGE) throw new IOException("replication message of " + length + " bytes refused");
        byte[] sealed = readExactly(in, length);
        try {
            opener.init(Cipher.DECRYPT_MODE, receiveKey, new GCMParameterSpec(TAG_BITS, counterNonce(received++)));
            return opener.doFinal(sealed);
        } catch (GeneralSecurityException e) {
            throw new IOException("a replication message failed its seal (changed, replayed or reordered on the way)", e);
        }
    }

    /** Whether a whole message may already wait: lets a receiver answer once per burst instead of per message. */
    boolean moreBuffered() throws IOException {
        return in.available() > 0;
    }

    /** How long a receive may wait (0: as long as it takes), e.g. while a large copy is checksummed on the other side. */
    void readTimeout(int millis) throws IOException {
        socket.setSoTimeout(millis);
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a socket that failed: nothing more to do
        }
    }

    private static byte[] nonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    private static byte[] counterNonce(long counter) {
        return ByteBuffer.allocate(12).putInt(0).putLong(counter).array();
    }

    private static byte[] readExactly(DataInputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
