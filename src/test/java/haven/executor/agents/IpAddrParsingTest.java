package haven.executor.agents;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpAddrParsingTest {
    @Test
    void ipOutputLinesGiveInterfaceAndAddress() {
        String out = """
                1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
                3: v0    inet 10.123.0.1/24 brd 10.123.0.255 scope global v0\\       valid_lft forever preferred_lft forever
                4: ppp0    inet 10.9.0.1 peer 10.9.0.2/32 scope global ppp0\\       valid_lft forever
                """;
        var list = IpAddrAgent.parse(out);
        assertThat(list).extracting(IpAddrAgent.Assigned::nic).containsExactly("lo", "v0", "ppp0");
        assertThat(list.get(1).address()).hasToString("10.123.0.1/24");
        assertThat(list.get(2).address()).hasToString("10.9.0.1/32");
    }

    @Test
    void subnetMembershipUsesTheVirtualAddressPrefix() {
        var vip = Ipv4Prefix.parse("192.168.1.50/24", true);
        assertThat(vip.networkContains(Ipv4Prefix.parse("192.168.1.7/24", true))).isTrue();
        assertThat(vip.networkContains(Ipv4Prefix.parse("192.168.2.7/24", true))).isFalse();
        assertThat(vip.networkText()).isEqualTo("192.168.1.0/24");
        assertThat(Ipv4Prefix.parse("255.255.255.255/32", true).addressText()).isEqualTo("255.255.255.255");
    }
}
