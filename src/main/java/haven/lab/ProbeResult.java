package haven.lab;

import java.util.Optional;

/** One request of the {@link Prober}: when it was sent and answered (System.nanoTime) and how it went. */
public record ProbeResult(long startNanos, long endNanos, boolean ok, String detail) {

    static Optional<ProbeResult> parse(String line) {
        String[] f = line.trim().split(" ", 4);
        if (f.length < 3) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProbeResult(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].equals("OK"),
                    f.length > 3 ? f[3] : ""));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
