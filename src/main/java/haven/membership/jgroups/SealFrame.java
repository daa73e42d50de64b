package haven.membership.jgroups;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * One sealed datagram: a clear header (magic, format, sender node name, boot epoch, counter, the sender's
 * milliseconds since its boot) authenticated as AES-GCM associated data, then JGroups' whole datagram
 * (version, flags, cluster name, messages with all their headers) encrypted, then the 16-byte tag.
 * The nonce is the counter, never sent twice under one (sender, epoch) key.
 */
final class SealFrame {
    static final byte MAGIC_0 = 'h';
    static final byte MAGIC_1 = 'v';
    static final byte FORMAT = 1;
    static final int TAG_BYTES = 16;
    static final int MAX_NAME_BYTES = 64;
    private static final int FIXED_HEADER = 2 + 1 + 1 + 8 + 8 + 8;
    private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is missing from this JDK", e);
        }
    });

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    record Header(String sender, long epoch, long counter, long sentMs, int length) {}

    private SealFrame() {}

    static int overhead(String sender) {
        return FIXED_HEADER + sender.getBytes(StandardCharsets.UTF_8).length + TAG_BYTES;
    }

    static byte[] seal(SecretKey key, String sender, long epoch, long counter, long sentMs, byte[] plain, int offset, int length) {
        return seal(key, sender.getBytes(StandardCharsets.UTF_8), epoch, counter, sentMs, plain, offset, length);
    }

    /** As above, with the sender's name already in UTF-8 (a sender seals every datagram with the same name). */
    static byte[] seal(SecretKey key, byte[] name, long epoch, long counter, long sentMs, byte[] plain, int offset, int length) {
        if (name.length == 0 || name.length > MAX_NAME_BYTES) throw new IllegalArgumentException("node name too long to seal: " + new String(name, StandardCharsets.UTF_8));
        int headerLength = FIXED_HEADER + name.length;
        byte[] out = new byte[headerLength + length + TAG_BYTES];
        ByteBuffer.wrap(out).put(MAGIC_0).put(MAGIC_1).put(FORMAT).put((byte) name.length).put(name)
                .putLong(epoch).putLong(counter).putLong(sentMs);
        try {
            Cipher c = GCM.get();
            c.init(Cipher.ENCRYPT_MODE, key, nonce(counter));
            c.updateAAD(out, 0, headerLength);
            c.doFinal(plain, offset, length, out, headerLength);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing a datagram failed: " + e.getMessage(), e);
        }
    }

    /** The clear header, or null when the datagram is not a sealed frame of this format. */
    static Header header(byte[] data, int offset, int length) {
        return header(data, offset, length, null);
    }

    /**
     * As {@link #header(byte[], int, int)}, the sender named by the instance in {@code known} when it is one of
     * them (the usual case: no String is decoded per datagram).
     */
    static Header header(byte[] data, int offset, int length, SenderNames known) {
        if (length < FIXED_HEADER + 1 + TAG_BYTES) return null;
        if (data[offset] != MAGIC_0 || data[offset + 1] != MAGIC_1 || data[offset + 2] != FORMAT) return null;
        int nameLength = data[offset + 3] & 0xff;
        if (nameLength == 0 || nameLength > MAX_NAME_BYTES || length < FIXED_HEADER + nameLength + TAG_BYTES) return null;
        String sender = known == null ? null : known.known(data, offset + 4, nameLength);
        if (sender == null) sender = new String(data, offset + 4, nameLength, StandardCharsets.UTF_8);
        int at = offset + 4 + nameLength;
        return new Header(sender, (long) LONG.get(data, at), (long) LONG.get(data, at + 8), (long) LONG.get(data, at + 16),
                FIXED_HEADER + nameLength);
    }

    /** The plain datagram, or null when the tag does not verify (wrong key, forged or altered bytes). */
    static byte[] open(SecretKey key, Header h, byte[] data, int offset, int length) {
        try {
            Cipher c = GCM.get();
            c.init(Cipher.DECRYPT_MODE, key, nonce(h.counter()));
            c.updateAAD(data, offset, h.length());
            return c.doFinal(data, offset + h.length(), length - h.length());
        } catch (javax.crypto.AEADBadTagException forged) {
            return null;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening a datagram failed: " + e.getMessage(), e);
        }
    }

    private static GCMParameterSpec nonce(long counter) {
        byte[] iv = new byte[12];
        ByteBuffer.wrap(iv, 4, 8).putLong(counter);
        return new GCMParameterSpec(TAG_BYTES * 8, iv);
    }
}
