package haven.lab;

import java.time.Duration;
import java.util.Optional;

/**
 * HTTP GET from inside a namespace. A JVM cannot enter another network namespace for one request, so this
 * runs curl there; fine for status checks, too slow (a fork per request) for the failover prober.
 */
public final class Http {
    public record Reply(int code, String body) {
        public boolean ok() {
            return code == 200;
        }
    }

    private Http() {}

    public static Optional<Reply> get(String ns, String url, Duration timeout) {
        double seconds = timeout.toMillis() / 1000.0;
        Exec.Result r = Exec.run(timeout.plusSeconds(3), Netns.execIn(ns, "curl", "-s", "-m",
                String.format(java.util.Locale.ROOT, "%.2f", seconds), "-w", "\n%{http_code}", url));
        if (!r.ok()) {
            return Optional.empty();
        }
        String out = r.out();
        int nl = out.lastIndexOf('\n');
        try {
            return Optional.of(new Reply(Integer.parseInt(out.substring(nl + 1).trim()), out.substring(0, Math.max(nl, 0))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
