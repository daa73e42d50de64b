package haven.process;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keeps the last {@code capacityBytes} bytes written to it. A chatty or runaway command must not be able
 * to fill the daemon's heap, and the end of its output is what explains a failure.
 *
 * <p>Thread safety: all methods are synchronized; one thread writes while others may read a snapshot.
 */
public final class OutputTail {
    public static final int DEFAULT_CAPACITY_BYTES = 64 * 1024;

    private final byte[] ring;
    private long totalBytes;

    public OutputTail(int capacityBytes) {
        if (capacityBytes <= 0) throw new IllegalArgumentException("capacityBytes must be positive, got " + capacityBytes);
        this.ring = new byte[capacityBytes];
    }

    public synchronized void write(byte[] data, int offset, int length) {
        for (int i = 0; i < length; i++) {
            ring[(int) (totalBytes++ % ring.length)] = data[offset + i];
        }
    }

    /** How many bytes were written in all, kept or not. */
    public synchronized long totalBytes() {
        return totalBytes;
    }

    /** The kept bytes as text; starts with "[...]" when older output was dropped. */
    public synchronized String text() {
        int kept = (int) Math.min(totalBytes, ring.length);
        byte[] out = new byte[kept];
        int start = (int) ((totalBytes - kept) % ring.length);
        for (int i = 0; i < kept; i++) out[i] = ring[(start + i) % ring.length];
        String s = new String(out, StandardCharsets.UTF_8);
        return totalBytes > kept ? "[...]" + s : s;
    }

    /** The last {@code n} lines of the kept output, joined by newlines, without a trailing newline. */
    public String lastLines(int n) {
        return lastLinesOf(text(), n);
    }

    /** The last {@code n} lines of {@code text}, without a trailing newline. */
    public static String lastLinesOf(String text, int n) {
        String[] lines = text.strip().split("\n");
        return String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - n), lines.length));
    }
}
