package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import haven.core.ResourceId;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourcesSectionTest {

    @Test
    void duplicateResourceNameIsOneProblemAtTheSecondName() {
        ConfigProblem p = onlyProblem(HEAD + """
                resources:
                  - name: vip
                    type: ipaddr
                    params: { address: 10.0.0.100/24 }
                  - name: vip
                    type: ipaddr
                    params: { address: 10.0.0.101/24 }
                """, 11, 11, "resources[vip].name 'vip' is used twice", "line 8");
        assertThat(p.hint()).contains("its own name");
    }

    @Test
    void unknownTypeIsOneProblemListingTheKnownTypes() {
        ConfigProblem p = onlyProblem(HEAD + """
                resources:
                  - name: db
                    type: postgres
                    params: { command: postgres }
                """, 9, 11, "resources[db].type 'postgres' is not a known resource type");
        assertThat(p.hint()).contains("ipaddr", "process");
    }

    @Test
    void misspeltTypeGetsASuggestion() {
        ConfigProblem p = onlyProblem(HEAD + "resources:\n  - name: vip\n    type: ipadr\n", 9, 11, "'ipadr'");
        assertThat(p.hint()).contains("did you mean 'ipaddr'");
    }

    @Test
    void badVirtualAddressIsOneProblemAtTheValue() {
        ConfigProblem p = onlyProblem(HEAD + """
                resources:
                  - name: vip
                    type: ipaddr
                    params: { address: 10.0.0.100/33 }
                """, 10, 24, "resources[vip].params.address '10.0.0.100/33'", "1..32");
        assertThat(p.hint()).contains("10.0.0.100/24");
    }

    @Test
    void virtualAddressWithoutPrefixLength() {
        onlyProblem(HEAD + "resources:\n  - name: vip\n    type: ipaddr\n    params:\n      address: 10.0.0.100\n",
                11, 16, "resources[vip].params.address '10.0.0.100' has no prefix length");
    }

    @Test
    void ipaddrWithoutAddress() {
        onlyProblem(HEAD + "resources:\n  - name: vip\n    type: ipaddr\n    params: { nic: eth0 }\n", 10, 5,
                "resources[vip].params.address is missing");
    }

    @Test
    void ipaddrWithoutParamsAtAll() {
        onlyProblem(HEAD + "resources:\n  - name: vip\n    type: ipaddr\n", 8, 5,
                "resources[vip].params.address is missing");
    }

    @Test
    void badInterfaceName() {
        onlyProblem(HEAD + "resources:\n  - name: vip\n    type: ipaddr\n"
                + "    params: { address: 10.0.0.100/24, nic: averyveryverylongname0 }\n", 10, 44,
                "resources[vip].params.nic 'averyveryverylongname0' is not a network interface name");
    }

    @Test
    void virtualAddressMustNotBeANodesOwn() {
        onlyProblem(HEAD + "resources:\n  - name: vip\n    type: ipaddr\n    params: { address: 10.0.0.1/24 }\n",
                10, 24, "resources[vip].params.address 10.0.0.1 is the address of node n1");
    }

    @Test
    void unknownParameterGetsASuggestion() {
        ConfigProblem p = onlyProblem(HEAD + "resources:\n  - name: vip\n    type: ipaddr\n"
                + "    params: { address: 10.0.0.100/24, ncc: eth0 }\n", 10, 39,
                "unknown parameter resources[vip].params.ncc for type ipaddr");
        assertThat(p.hint()).contains("did you mean 'nic'");
    }

    @Test
    void processWithoutCommand() {
        onlyProblem(HEAD + "resources:\n  - name: web\n    type: process\n    params:\n      check: tcp:127.0.0.1:80\n",
                10, 5, "resources[web].params.command is missing");
    }

    @Test
    void processWithMalformedCheck() {
        ConfigProblem p = onlyProblem(HEAD + "resources:\n  - name: web\n    type: process\n"
                + "    params: { command: /usr/sbin/nginx, check: \"127.0.0.1:80\" }\n", 10, 48,
                "resources[web].params.check '127.0.0.1:80' is not a health check");
        assertThat(p.hint()).contains("http://HOST:PORT/PATH", "tcp:HOST:PORT");
    }

    @Test
    void processCheckWithBadPort() {
        onlyProblem(HEAD + "resources:\n  - name: web\n    type: process\n"
                + "    params: { command: /usr/sbin/nginx, check: \"http://localhost:99999/\" }\n", 10, 48,
                "resources[web].params.check", "port 99999");
    }

    @Test
    void processWorkingDirectoryMustBeAbsolute() {
        onlyProblem(HEAD + "resources:\n  - name: web\n    type: process\n"
                + "    params: { command: /usr/sbin/nginx, cwd: var/www }\n", 10, 46,
                "resources[web].params.cwd 'var/www' is not an absolute path");
    }

    @Test
    void paramThatIsNotASingleValue() {
        onlyProblem(HEAD + "resources:\n  - name: web\n    type: process\n    params: { command: [a, b] }\n", 10, 24,
                "resources[web].params.command must be a single value");
    }

    @Test
    void badDurationNamesTheKeyAndTheSyntax() {
        ConfigProblem p = onlyProblem(HEAD + "resources:\n  - name: web\n    type: process\n"
                + "    params: { command: /bin/true }\n    start_timeout: 20\n", 11, 20,
                "resources[web].start_timeout '20' is not a duration");
        assertThat(p.hint()).contains("500ms", "2s", "10m", "1h");
    }

    @Test
    void zeroTimeoutIsRejected() {
        onlyProblem(HEAD + "resources:\n  - name: web\n    type: process\n"
                + "    params: { command: /bin/true }\n    monitor_timeout: 0s\n", 11, 22,
                "resources[web].monitor_timeout must be longer than zero");
    }

    @Test
    void paramsAreStringsAndTimeoutsDefault() throws Exception {
        ClusterConfig c = valid(HEAD + """
                resources:
                  - name: web
                    type: process
                    params: { command: "nginx -g 'daemon off;'", check: "http://127.0.0.1:80/" }
                  - name: vip
                    type: ipaddr
                    params: { address: 10.0.0.100/24, nic: 0 }
                    monitor_interval: 2s
                """);
        ResourceConfig web = c.resource(ResourceId.of("web")).orElseThrow();
        assertThat(web.type()).isEqualTo("process");
        assertThat(web.params()).isEqualTo(Map.of("command", "nginx -g 'daemon off;'", "check", "http://127.0.0.1:80/"));
        assertThat(web.startTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(web.stopTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(web.monitorInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(web.monitorTimeout()).isEqualTo(Duration.ofSeconds(10));
        ResourceConfig vip = c.resource(ResourceId.of("vip")).orElseThrow();
        assertThat(vip.params()).containsEntry("nic", "0");
        assertThat(vip.monitorInterval()).isEqualTo(Duration.ofSeconds(2));
    }
}
