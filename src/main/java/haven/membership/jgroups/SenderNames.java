package haven.membership.jgroups;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;

/**
 * The cluster's node names as the seal header carries them (UTF-8), to name a datagram's sender without
 * decoding and hashing a new String for every datagram: a known name is the same String instance every time.
 */
final class SenderNames {
    private final String[] names;
    private final byte[][] encoded;

    SenderNames(Collection<String> names) {
        this.names = names.toArray(String[]::new);
        this.encoded = new byte[this.names.length][];
        for (int i = 0; i < this.names.length; i++) encoded[i] = this.names[i].getBytes(StandardCharsets.UTF_8);
    }

    /** The known name spelled by these bytes, or null. */
    String known(byte[] data, int offset, int length) {
        for (int i = 0; i < encoded.length; i++) {
            byte[] e = encoded[i];
            if (e.length == length && Arrays.equals(e, 0, length, data, offset, offset + length)) return names[i];
        }
        return null;
    }
}
