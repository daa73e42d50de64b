package haven.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The owner of a loopback connection's client end, from the kernel's table: real sockets, real users. */
class LoopbackPeersTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    @Test
    void aSocketThisProcessOpensIsOwnedByItsUid() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                Socket accepted = server.accept()) {
            OptionalInt uid = LoopbackPeers.uid((InetSocketAddress) accepted.getRemoteSocketAddress(),
                    (InetSocketAddress) accepted.getLocalSocketAddress());
            assertThat(uid).hasValue(Integer.parseInt(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes()).trim()));
        }
    }

    @Test
    void aSocketOpenedAsNobodyIsOwnedByNobody() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(10_000);
            // bash opens the connection as nobody and keeps it until it reads our line.
            Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c",
                    "exec 3<>/dev/tcp/127.0.0.1/" + server.getLocalPort() + "; read -t 10 line <&3").start();
            try (Socket accepted = server.accept()) {
                OptionalInt uid = LoopbackPeers.uid((InetSocketAddress) accepted.getRemoteSocketAddress(),
                        (InetSocketAddress) accepted.getLocalSocketAddress());
                assertThat(uid).hasValue(65534);
                accepted.getOutputStream().write("done\n".getBytes());
            } finally {
                assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void aConnectionGoneFromTheTableIsUnknown() throws Exception {
        InetSocketAddress nowhere = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        assertThat(LoopbackPeers.uid(nowhere, nowhere)).isEmpty();
    }

    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0xB0F2);
    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 7480);

    private static String row(String local, String remote, String state, int uid) {
        return "   1: " + local + " " + remote + " " + state + " 00000000:00000000 00:00000000 00000000 " + uid + " 0 4242 1";
    }

    @Test
    void timeWaitRowsAndListenersAreSkippedAndDisagreeingRowsAreUnknown() {
        boolean le = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        String lo = le ? "0100007F" : "7F000001";
        String client = lo + ":B0F2";
        String server = lo + ":1D38";
        // The server's own end (owned by the daemon) does not match: its local address is the listener.
        assertThat(LoopbackPeers.owner(List.of(HEADER, row(server, client, "01", 0), row(client, server, "01", 1000)), List.of(),
                CLIENT, SERVER)).hasValue(1000);
        assertThat(LoopbackPeers.owner(List.of(HEADER, row(client, server, "06", 0)), List.of(), CLIENT, SERVER)).isEmpty();
        assertThat(LoopbackPeers.owner(List.of(HEADER, row(client, server, "06", 0), row(client, server, "01", 1000)), List.of(),
                CLIENT, SERVER)).hasValue(1000);
        assertThat(LoopbackPeers.owner(List.of(row(client, server, "01", 0), row(client, server, "01", 1000)), List.of(),
                CLIENT, SERVER)).isEmpty();
    }

    @Test
    void anIpv4MappedClientInTheIpv6TableIsFound() {
        boolean le = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        String mapped = "0000000000000000" + (le ? "FFFF0000" + "0100007F" : "0000FFFF" + "7F000001");
        assertThat(LoopbackPeers.owner(List.of(HEADER), List.of(HEADER, row(mapped + ":B0F2", mapped + ":1D38", "01", 33)), CLIENT,
                SERVER)).hasValue(33);
    }

    @Test
    void theAccountFilesNameAUidAndTellItsGroups() {
        UnixAccounts a = new UnixAccounts(List.of("root:x:0:0:root:/root:/bin/bash", "alice:x:1000:1000::/home/alice:/bin/sh",
                "bob:x:1001:1001::/home/bob:/bin/sh"), List.of("alice:x:1000:", "haven:x:990:bob", "ops:x:1000:"));
        assertThat(a.name(1000)).isEqualTo(Optional.of("alice"));
        assertThat(a.inGroup(1001, "haven")).isTrue();
        assertThat(a.inGroup(1000, "haven")).isFalse();
        assertThat(a.inGroup(1000, "alice")).isTrue();
        assertThat(a.inGroup(4242, "haven")).isFalse();
    }

    @Test
    void onlyRootOrAGroupMemberMayWriteAndAnUnknownPeerMayNot() {
        UnixAccounts a = new UnixAccounts(List.of("root:x:0:0:root:/root:/bin/bash", "bob:x:1001:1001::/home/bob:/bin/sh",
                "eve:x:1002:1002::/home/eve:/bin/sh"), List.of("haven:x:990:bob"));
        LocalAccess withGroup = new LocalAccess("n1", Optional.of("haven"));
        assertThat(withGroup.identity(OptionalInt.of(0), a)).satisfies(i -> {
            assertThat(i.mayWrite()).isTrue();
            assertThat(i.who()).isEqualTo("root (uid 0) on n1's local API");
        });
        assertThat(withGroup.identity(OptionalInt.of(1001), a).maySeeSecrets()).isTrue();
        Caller.Identity eve = withGroup.identity(OptionalInt.of(1002), a);
        assertThat(eve.mayWrite()).isFalse();
        assertThat(eve.refusal()).contains("only root or a member of group haven (api.local_group)", "this connection is eve (uid 1002)",
                "usermod -aG haven USER");
        Caller.Identity unknown = new LocalAccess("n1", Optional.empty()).identity(OptionalInt.empty(), a);
        assertThat(unknown.mayWrite()).isFalse();
        assertThat(unknown.refusal()).contains("cannot tell which user opened this connection");
    }
}
