package haven.api;

/**
 * Bounds on what a client can make the API hold, so that slow or many connections cannot exhaust the daemon
 * (2,000 slow TLS connections once ran a 64 MB daemon out of memory, and the node out of the cluster).
 *
 * <p>The JDK's HTTP server reads its limits from system properties, once per JVM (measured on JDK 25, in
 * {@code HttpLimitsTest}): {@code sun.net.httpserver.maxReqTime} closes a connection that has not delivered
 * a whole request (TLS handshake, headers and body) within that many seconds of its first byte, and with
 * {@code clockTick} a connection that sends no byte at all goes after the same time; {@code
 * jdk.httpserver.maxConnections} closes connections at once beyond that many per listener;
 * {@code maxReqHeaders}/{@code maxReqHeaderSize} refuse oversized headers before they are kept. Nothing there
 * limits one client address, so the exposed listener sits behind {@link ConnectionFront}. A response may take
 * as long as it needs (event streams stay open for hours; a barrier waits up to 10 min).
 *
 * <p>A value already set on the command line ({@code -Dsun.net.httpserver.maxReqTime=...}) is kept.
 */
final class HttpLimits {
    /** Seconds from a connection's first byte to the end of its request (and for a connection silent from the start). */
    static final int REQUEST_SECONDS = 10;
    /** Connections per listener of the JDK server (the local one; the exposed one is bounded by its front). */
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_HEADERS = 64;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    /** The exposed listener's front: connections in all and per client address. */
    record Front(int maxConnections, int maxPerAddress) {}

    static final Front EXPOSED = new Front(128, 16);

    private HttpLimits() {}

    /** Before the first server of this JVM is created: the JDK reads them when its server class loads. */
    static void apply() {
        setIfAbsent("sun.net.httpserver.maxReqTime", Integer.toString(REQUEST_SECONDS));
        setIfAbsent("sun.net.httpserver.timerMillis", "1000");
        setIfAbsent("sun.net.httpserver.clockTick", "1000");
        setIfAbsent("jdk.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
        setIfAbsent("sun.net.httpserver.maxReqHeaders", Integer.toString(MAX_HEADERS));
        setIfAbsent("sun.net.httpserver.maxReqHeaderSize", Integer.toString(MAX_HEADER_BYTES));
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) System.setProperty(key, value);
    }
}
