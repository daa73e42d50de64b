package haven.node;

import haven.config.ClusterConfig;

/** The node package's test clusters for tests in other packages. */
public final class TestClustersAccess {
    private TestClustersAccess() {}

    /** Three nodes n1..n3, group web (vip, site) preferring n1. */
    public static ClusterConfig oneGroup() {
        return TestClusters.oneGroup(3, "web", "n1", "vip", "site");
    }
}
