package haven.config;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates for tests, made by the real openssl as an administrator would. */
public final class TestCerts {
    /** A certificate (PEM) and its PKCS#8 key (PEM). */
    public record Pair(Path cert, Path key) {}

    private TestCerts() {}

    /** A P-256 certificate valid for the given IPv4 addresses, written to {@code dir/name.crt} and {@code dir/name.key}. */
    public static Pair make(Path dir, String name, String... addresses) throws Exception {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        String san = "subjectAltName=" + String.join(",", java.util.Arrays.stream(addresses).map(a -> "IP:" + a).toList());
        Process p = new ProcessBuilder(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-days", "2", "-subj", "/CN=haven-test", "-addext", san, "-keyout", key.toString(), "-out", cert.toString()))
                .redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("openssl req did not finish within 20 s");
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (p.exitValue() != 0) throw new IllegalStateException("openssl req failed: " + out);
        return new Pair(cert, key);
    }
}
