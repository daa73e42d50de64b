package haven.api;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * Who opened a TCP connection to the local API: the uid that owns the client's end of it, as the kernel lists
 * it in /proc/self/net/tcp and tcp6 (this process's network namespace, where 127.0.0.1 is). This is what an
 * identd does, and it stands in for SO_PEERCRED, which only Unix sockets have (the JDK's HTTP server serves TCP
 * only). Both ends of a loopback connection are in that table; the client's is the row whose local address is
 * the request's remote address and whose remote address is our listener.
 *
 * <p>Rows in TIME_WAIT carry no owner (the kernel prints uid 0 for them) and are skipped, so a closed
 * connection's leftover never reads as root; two live rows for one address pair that disagree on the owner
 * count as unknown. Unknown means refused, never trusted.
 */
final class LoopbackPeers {
    private static final Path TCP = Path.of("/proc/self/net/tcp");
    private static final Path TCP6 = Path.of("/proc/self/net/tcp6");
    private static final String TIME_WAIT = "06";
    private static final String LISTEN = "0A";

    private LoopbackPeers() {}

    /** The uid owning the client's socket of the connection {@code client} -> {@code server}, if the kernel shows exactly one. */
    static OptionalInt uid(InetSocketAddress client, InetSocketAddress server) {
        try {
            List<String> v4 = Files.readAllLines(TCP);
            List<String> v6 = Files.exists(TCP6) ? Files.readAllLines(TCP6) : List.of();
            return owner(v4, v6, client, server);
        } catch (IOException e) {
            return OptionalInt.empty();
        }
    }

    /** The owner among the rows of the two tables (header lines included, as the kernel writes them). */
    static OptionalInt owner(List<String> tcp, List<String> tcp6, InetSocketAddress client, InetSocketAddress server) {
        Integer found = null;
        for (List<String> table : List.of(tcp, tcp6)) {
            for (String line : table) {
                String[] f = line.trim().split("\\s+");
                // sl local remote st tx:rx tr:when retrnsmt uid ...
                if (f.length < 8 || !f[0].endsWith(":") || f[3].equals(TIME_WAIT) || f[3].equals(LISTEN)) continue;
                if (!matches(f[1], client) || !matches(f[2], server)) continue;
                int uid;
                try {
                    uid = Integer.parseInt(f[7]);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (found != null && found != uid) return OptionalInt.empty();
                found = uid;
            }
        }
        return found == null ? OptionalInt.empty() : OptionalInt.of(found);
    }

    /** Whether {@code hexAddressAndPort} ("0100007F:1D24", or 32 hex digits for IPv6) is {@code a}. */
    static boolean matches(String hexAddressAndPort, InetSocketAddress a) {
        int colon = hexAddressAndPort.indexOf(':');
        if (colon < 0) return false;
        try {
            int port = Integer.parseInt(hexAddressAndPort.substring(colon + 1), 16);
            return port == a.getPort() && address(hexAddressAndPort.substring(0, colon)).equals(a.getAddress());
        } catch (NumberFormatException | UnknownHostException e) {
            return false;
        }
    }

    /**
     * The kernel prints an address as 32-bit words in the machine's byte order. An IPv4-mapped IPv6 address
     * (::ffff:127.0.0.1) comes back as the Inet4Address, as Java gives it for the request.
     */
    static InetAddress address(String hex) throws UnknownHostException {
        if (hex.length() != 8 && hex.length() != 32) throw new UnknownHostException("not a /proc/net/tcp address: " + hex);
        ByteBuffer out = ByteBuffer.allocate(hex.length() / 2);
        for (int i = 0; i < hex.length(); i += 8) {
            int word = (int) Long.parseLong(hex.substring(i, i + 8), 16);
            out.put(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(word).array());
        }
        return InetAddress.getByAddress(out.array());
    }
}
