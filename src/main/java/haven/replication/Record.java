package haven.replication;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One change to a replicated directory, as haven-rdir (src/main/c/rdir) sends it: the operation, its sequence
 * number, two numbers whose meaning depends on the operation, up to two paths relative to the directory, and data.
 * Records travel on to the replicas in the same encoding, so a record is checked here the same way whether it came
 * from the local FUSE layer or over the network: a path that could leave the directory is refused.
 *
 * @param a WRITE/TRUNCATE: offset or size; CREATE/MKDIR/CHMOD: mode; CHOWN: uid; UTIMENS: access time (ns); RENAME: flags
 * @param b CHOWN: gid; UTIMENS: modification time (ns)
 */
public record Record(Op op, long seq, long a, long b, String path, String path2, byte[] data) {
    /** The operations, numbered as haven-rdir numbers them. */
    public enum Op {
        WRITE, TRUNCATE, CREATE, MKDIR, UNLINK, RMDIR, RENAME, SYMLINK, LINK, CHMOD, CHOWN, UTIMENS, FSYNC;

        static Op of(int code) {
            if (code < 1 || code > values().length) throw new IllegalArgumentException("unknown replication operation " + code);
            return values()[code - 1];
        }

        int code() {
            return ordinal() + 1;
        }
    }

    static final int HEADER_BYTES = 1 + 8 + 8 + 8 + 4 + 4 + 4;
    /** FUSE hands writes of at most 128 KiB by default and 1 MiB at most; a larger record is not from haven-rdir. */
    static final int MAX_BODY = HEADER_BYTES + 2 * 4096 + (1 << 20);

    public Record {
        checkPath(path);
        if (op == Op.RENAME || op == Op.LINK) checkPath(path2);
    }

    /** The paths this record changes, for catching up (a rename changes both; a sync changes nothing). */
    List<String> touched() {
        return switch (op) {
            case RENAME -> List.of(path, path2);
            case FSYNC -> List.of();
            default -> List.of(path);
        };
    }

    /** Decodes a record's body (everything after its length). */
    public static Record decode(byte[] body) {
        if (body.length < HEADER_BYTES) throw new IllegalArgumentException("replication record of " + body.length + " bytes is shorter than its header");
        ByteBuffer in = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        Op op = Op.of(in.get() & 0xff);
        long seq = in.getLong(), a = in.getLong(), b = in.getLong();
        int pathLen = in.getInt(), path2Len = in.getInt(), dataLen = in.getInt();
        if (pathLen < 0 || path2Len < 0 || dataLen < 0 || (long) pathLen + path2Len + dataLen != in.remaining()) {
            throw new IllegalArgumentException("replication record " + seq + ": its lengths do not add up to its size");
        }
        String path = string(in, pathLen), path2 = string(in, path2Len);
        byte[] data = new byte[dataLen];
        in.get(data);
        return new Record(op, seq, a, b, path, path2, data);
    }

    public byte[] encode() {
        byte[] p = path.getBytes(StandardCharsets.UTF_8), p2 = path2.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + p.length + p2.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put((byte) op.code()).putLong(seq).putLong(a).putLong(b).putInt(p.length).putInt(p2.length).putInt(data.length);
        return out.put(p).put(p2).put(data).array();
    }

    private static String string(ByteBuffer in, int len) {
        byte[] bytes = new byte[len];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A path inside the directory: "." or names joined by single slashes, none of them "." or "..", no NUL.
     * The symlink target (SYMLINK's second path) is not a path in the directory and is not checked.
     */
    static void checkPath(String path) {
        if (path.equals(".")) return;
        if (path.isEmpty() || path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("replication path '" + path + "' is not relative to the directory");
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new IllegalArgumentException("replication path '" + path + "' leaves the directory or is not normal");
            }
        }
    }
}
