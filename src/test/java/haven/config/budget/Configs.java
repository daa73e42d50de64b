package haven.config.budget;

import haven.config.ClusterConfig;
import haven.config.ConfigException;
import haven.config.ConfigLoader;

/** Config texts for the budget tests, and running the check on them as `haven config check` does. */
final class Configs {
    /** Lines 1-6: the smallest valid config (one node); tests append the part they exercise from line 7 on. */
    static final String HEAD = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - name: n1
                address: 10.0.0.1
            """;

    private Configs() {}

    static ClusterConfig load(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml");
    }

    static BudgetReport check(String yaml) throws ConfigException {
        return BudgetCheck.run(load(yaml), yaml, "test.yaml");
    }
}
