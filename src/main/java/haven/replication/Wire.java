package haven.replication;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The messages between a primary and a replica, inside a {@link SealedChannel}: the first byte names the message,
 * the rest are Java data-stream fields. Catching up is HELLO, the replica's ENTRY list and MANIFEST_END, the
 * primary's PUT/DELETE of whatever differs, READY (with the sync epoch); then RECORDs, each answered (in bursts) by
 * ACK, and EPOCHs, each answered by EPOCH_ACK once the replica recorded it on disk; a PING, which an idle primary
 * sends twice a second, is answered by an ACK, so a replica gone silent is found without a write. A QUERY instead of HELLO asks a
 * replica for its copy's state (STATE), which a node about to be promoted asks its peers.
 */
final class Wire {
    static final byte HELLO = 1, REFUSE = 2, ENTRY = 3, MANIFEST_END = 4, PUT_BEGIN = 5, PUT_DATA = 6, PUT_END = 7,
            DELETE = 8, READY = 9, RECORD = 10, ACK = 11, DROP = 12, EPOCH = 13, EPOCH_ACK = 14, QUERY = 15, STATE = 16, PING = 17;

    private Wire() {}

    interface Fields {
        void write(DataOutputStream out) throws IOException;
    }

    static byte[] message(byte type, Fields fields) {
        try {
            var bytes = new ByteArrayOutputStream();
            var out = new DataOutputStream(bytes);
            out.writeByte(type);
            fields.write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to memory does not fail
        }
    }

    static byte[] withSeq(byte type, long seq) {
        return message(type, out -> out.writeLong(seq));
    }

    static byte[] withText(byte type, String text) {
        return message(type, out -> out.writeUTF(text));
    }

    static byte[] record(byte[] body) {
        byte[] m = new byte[body.length + 1];
        m[0] = RECORD;
        System.arraycopy(body, 0, m, 1, body.length);
        return m;
    }

    static byte type(byte[] message) throws IOException {
        if (message.length == 0) throw new IOException("empty replication message");
        return message[0];
    }

    /** The fields after the type byte. */
    static DataInputStream fields(byte[] message) {
        return new DataInputStream(new ByteArrayInputStream(message, 1, message.length - 1));
    }

    static byte[] body(byte[] recordMessage) {
        byte[] b = new byte[recordMessage.length - 1];
        System.arraycopy(recordMessage, 1, b, 0, b.length);
        return b;
    }
}
