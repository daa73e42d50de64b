package haven.config.live;

import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;

/** Config texts for live-change tests: three nodes, a web group (vip, site), plus what a test adds. */
final class LiveConfigs {
    static final String HEAD = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
              - { name: n2, address: 10.0.0.2 }
              - { name: n3, address: 10.0.0.3 }
            """;

    private LiveConfigs() {}

    /** The web group; {@code siteCommand} and {@code extra} (more resources, then groups) vary per test. */
    static String web(String siteCommand, String extraResources, String extraGroups) {
        return HEAD + """
                resources:
                  - { name: vip, type: ipaddr, params: { address: 10.0.0.100/24 } }
                  - { name: site, type: process, params: { command: "%s" } }
                %sgroups:
                  - { name: web, members: [vip, site] }
                %s""".formatted(siteCommand, extraResources, extraGroups);
    }

    static String web() {
        return web("sleep 1000", "", "");
    }

    static ClusterConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "test.yaml");
        } catch (ConfigException e) {
            throw new AssertionError("fixture does not load: " + e.problems(), e);
        }
    }
}
