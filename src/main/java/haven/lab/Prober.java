package haven.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The client's view of the service, run inside the client namespace as its own small JVM:
 * {@code Prober ADDRESS [INTERVAL_MS [TIMEOUT_MS]]}. It starts one HTTP GET every interval, each on a fresh
 * TCP connection in its own virtual thread, so a request stuck on a dead address does not delay the next
 * one: the outage is resolved to one interval, not one timeout. One line per finished request:
 * <pre>
 *   START_NANOS END_NANOS OK BODY        (HTTP 200; BODY is the first line of the page)
 *   START_NANOS END_NANOS FAIL REASON
 * </pre>
 * Times are System.nanoTime(), which is CLOCK_MONOTONIC and so comparable across processes on this host.
 * Exits when its stdin closes, so it never outlives the process that reads its results.
 */
public final class Prober {
    private static final PrintStream OUT = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
            false, StandardCharsets.UTF_8);

    private Prober() {}

    public static void main(String[] args) throws Exception {
        String address = args[0];
        long intervalMs = args.length > 1 ? Long.parseLong(args[1]) : 10;
        int timeoutMs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        ScheduledExecutorService tick = Executors.newSingleThreadScheduledExecutor();
        tick.scheduleAtFixedRate(() -> Thread.ofVirtual().start(() -> probe(address, timeoutMs)), 0, intervalMs,
                TimeUnit.MILLISECONDS);
        // Parent gone or done: stdin reaches end of file.
        while (System.in.read() >= 0) {
            // ignore input
        }
        System.exit(0);
    }

    static void probe(String address, int timeoutMs) {
        long start = System.nanoTime();
        String result;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, 80), timeoutMs);
            int left = (int) Math.max(1, timeoutMs - (System.nanoTime() - start) / 1_000_000);
            s.setSoTimeout(left);
            s.getOutputStream().write(("GET / HTTP/1.0\r\nHost: " + address + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            result = parse(readAll(s.getInputStream(), start, timeoutMs));
        } catch (IOException e) {
            result = "FAIL " + e.getClass().getSimpleName();
        }
        long end = System.nanoTime();
        synchronized (OUT) {
            OUT.println(start + " " + end + " " + result);
            OUT.flush();
        }
    }

    private static String readAll(InputStream in, long start, int timeoutMs) throws IOException {
        byte[] buf = new byte[4096];
        StringBuilder sb = new StringBuilder();
        int n;
        while ((n = in.read(buf)) >= 0) {
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            if (sb.length() > 65536 || (System.nanoTime() - start) / 1_000_000 > timeoutMs) {
                break;
            }
        }
        return sb.toString();
    }

    /** "OK served by n2" for an HTTP 200 with that body, otherwise "FAIL ...". */
    static String parse(String response) {
        if (!response.startsWith("HTTP/1.") || response.length() < 12 || !response.substring(9, 12).equals("200")) {
            String status = response.lines().findFirst().orElse("empty reply");
            return "FAIL " + status.replace(' ', '_');
        }
        int body = response.indexOf("\r\n\r\n");
        String text = body < 0 ? "" : response.substring(body + 4).strip();
        return "OK " + text.lines().findFirst().orElse("");
    }
}
