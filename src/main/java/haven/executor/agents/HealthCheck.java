package haven.executor.agents;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Is a supervised process really serving? Parsed from a resource's {@code check} parameter:
 * {@code http://HOST:PORT/PATH} (healthy on a 2xx or 3xx status) or {@code tcp:HOST:PORT} (healthy when
 * a connection is accepted). Each probe is bounded by the timeout it is given.
 */
public sealed interface HealthCheck {

    /** Empty when healthy, else why not (connection refused, status 503, no answer in 1000 ms...). */
    Optional<String> probe(Duration timeout);

    static HealthCheck parse(String text) {
        String t = text.strip();
        if (t.startsWith("tcp:")) {
            String hostPort = t.substring(4);
            int colon = hostPort.lastIndexOf(':');
            if (colon <= 0) throw bad(text);
            return new Tcp(hostPort.substring(0, colon), port(hostPort.substring(colon + 1), text));
        }
        if (t.startsWith("http://")) {
            URI uri;
            try {
                uri = URI.create(t);
            } catch (IllegalArgumentException e) {
                throw bad(text);
            }
            if (uri.getHost() == null || uri.getPort() < 0) throw bad(text);
            String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) path += "?" + uri.getRawQuery();
            return new Http(uri.getHost(), uri.getPort(), path);
        }
        throw bad(text);
    }

    private static int port(String s, String whole) {
        try {
            int p = Integer.parseInt(s);
            if (p < 1 || p > 65535) throw bad(whole);
            return p;
        } catch (NumberFormatException e) {
            throw bad(whole);
        }
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("check '" + text
                + "' is not understood: write http://HOST:PORT/PATH (2xx/3xx is healthy) or tcp:HOST:PORT");
    }

    /** Healthy when a TCP connection to host:port is accepted. */
    record Tcp(String host, int port) implements HealthCheck {
        @Override
        public Optional<String> probe(Duration timeout) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), timeoutMs(timeout));
                return Optional.empty();
            } catch (IOException e) {
                return Optional.of("tcp " + host + ":" + port + ": " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "tcp:" + host + ":" + port;
        }
    }

    /**
     * Healthy when GET PATH answers 2xx or 3xx. Written on a plain socket, HTTP/1.1 with Connection: close,
     * reading only the status line: no client library threads, and the whole probe within one timeout.
     */
    record Http(String host, int port, String path) implements HealthCheck {
        private static final int STATUS_LINE_LIMIT_BYTES = 512;

        @Override
        public Optional<String> probe(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), timeoutMs(timeout));
                String hostHeader = host.contains(":") ? "[" + host + "]" : host;
                String request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader + ":" + port
                        + "\r\nUser-Agent: haven-check\r\nConnection: close\r\n\r\n";
                OutputStream out = s.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = readStatusLine(s, deadline);
                String[] parts = status.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                    return Optional.of(this + ": not an HTTP answer: " + status);
                }
                int code = Integer.parseInt(parts[1]);
                return code >= 200 && code < 400 ? Optional.empty() : Optional.of(this + ": status " + status.substring(parts[0].length()).strip());
            } catch (IOException | NumberFormatException e) {
                return Optional.of(this + ": " + e.getMessage());
            }
        }

        private static String readStatusLine(Socket s, long deadline) throws IOException {
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            while (line.length() < STATUS_LINE_LIMIT_BYTES) {
                long leftMs = (deadline - System.nanoTime()) / 1_000_000;
                if (leftMs <= 0) throw new IOException("no answer in time");
                s.setSoTimeout((int) Math.min(leftMs, Integer.MAX_VALUE));
                int b = in.read();
                if (b < 0) throw new IOException("connection closed before the status line");
                if (b == '\n') break;
                if (b != '\r') line.append((char) b);
            }
            return line.toString();
        }

        @Override
        public String toString() {
            return "http://" + host + ":" + port + path;
        }
    }

    private static int timeoutMs(Duration d) {
        return (int) Math.max(1, Math.min(d.toMillis(), Integer.MAX_VALUE));
    }
}
