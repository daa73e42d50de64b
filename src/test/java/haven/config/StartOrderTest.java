package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.GroupId;
import haven.core.ResourceId;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartOrderTest {
    /** A VIP, an OCF IPaddr2, a web server checked on loopback, one checked at the VIP, a plain worker. */
    private static final String RESOURCES = HEAD + """
            resources:
              - name: vip
                type: ipaddr
                params: { address: 10.0.0.100/24 }
              - name: vip2
                type: ocf:heartbeat:IPaddr2
                params: { ip: 10.0.0.101, cidr_netmask: 24 }
              - name: site
                type: process
                params: { command: "nginx -g 'daemon off;'", check: "http://127.0.0.1:80/" }
              - name: bound
                type: process
                params: { command: /bin/app, check: "tcp:10.0.0.100:8080" }
              - name: near
                type: process
                params: { command: /bin/near, check: "tcp:10.0.0.10:8080" }
              - name: worker
                type: process
                params: { command: /bin/worker }
            groups:
            """;

    private static List<String> order(String groupYaml) throws ConfigException {
        ClusterConfig c = ConfigLoader.parse(RESOURCES + groupYaml, "test.yaml");
        return c.group(GroupId.of("g")).orElseThrow().startOrder().stream().map(ResourceId::name).toList();
    }

    @Test
    void anAddressStartsAfterAServiceThatCanListenWithoutIt() throws ConfigException {
        assertThat(order("  - name: g\n    members: [vip, site]\n")).containsExactly("site", "vip");
        assertThat(order("  - name: g\n    members: [vip2, site, worker]\n")).containsExactly("site", "worker", "vip2");
    }

    @Test
    void aMemberThatNamesTheAddressStillStartsAfterIt() throws ConfigException {
        assertThat(order("  - name: g\n    members: [vip, worker, bound, site]\n"))
                .containsExactly("worker", "vip", "bound", "site");
        // 10.0.0.10 is another address, not a prefix of the VIP's
        assertThat(order("  - name: g\n    members: [vip, near]\n")).containsExactly("near", "vip");
    }

    @Test
    void addressLastMovesEveryAddressToTheEnd() throws ConfigException {
        assertThat(order("  - name: g\n    members: [vip, bound, vip2, site]\n    order: address_last\n"))
                .containsExactly("bound", "site", "vip", "vip2");
    }

    @Test
    void listedKeepsTheConfigOrder() throws ConfigException {
        assertThat(order("  - name: g\n    members: [vip, site]\n    order: listed\n")).containsExactly("vip", "site");
    }

    @Test
    void groupsWithoutAnAddressKeepTheirOrder() throws ConfigException {
        assertThat(order("  - name: g\n    members: [worker, site, near]\n")).containsExactly("worker", "site", "near");
    }

    @Test
    void theMembersStayAsListed() throws ConfigException {
        ClusterConfig c = ConfigLoader.parse(RESOURCES + "  - name: g\n    members: [vip, site]\n", "test.yaml");
        GroupConfig g = c.group(GroupId.of("g")).orElseThrow();
        assertThat(g.members()).containsExactly(ResourceId.of("vip"), ResourceId.of("site"));
        assertThat(g.order()).isEqualTo(StartOrder.Mode.AUTO);
    }

    @Test
    void haresourcesGroupsStartTheirAddressLastToo() throws ConfigException {
        ClusterConfig c = ConfigLoader.parse(HEAD + "haresources:\n  - \"n1 ipaddr:10.0.0.100/24 process:site=nginx\"\n",
                "test.yaml");
        assertThat(c.groups().get(0).startOrder().stream().map(ResourceId::name).toList()).containsExactly("site", "ip-10.0.0.100");
    }

    @Test
    void anUnknownOrderIsRefusedWithTheWords() throws ConfigException {
        ConfigProblem p = onlyProblem(RESOURCES + "  - name: g\n    members: [vip, site]\n    order: vip_first\n", 29, 12,
                "groups[g].order 'vip_first' is not a start order");
        assertThat(p.hint()).contains("auto", "address_last", "listed");
    }

    @Test
    void dependentsAreAfterAMemberBothAsListedAndInStartOrder() throws ConfigException {
        ClusterConfig c = ConfigLoader.parse(RESOURCES + "  - name: g\n    members: [vip, worker, bound, site]\n", "test.yaml");
        GroupConfig g = c.group(GroupId.of("g")).orElseThrow();
        // start order: worker, vip, bound, site
        assertThat(g.dependentsOf(ResourceId.of("worker"))).containsExactly(ResourceId.of("bound"), ResourceId.of("site"));
        assertThat(g.dependentsOf(ResourceId.of("vip"))).containsExactly(ResourceId.of("bound"), ResourceId.of("site"));
        assertThat(g.dependentsOf(ResourceId.of("site"))).isEmpty();
    }
}
