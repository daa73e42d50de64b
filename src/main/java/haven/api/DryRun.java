package haven.api;

import haven.config.ClusterConfig;
import haven.config.live.ConfigDiff;
import haven.config.live.ReloadRules;
import haven.node.NodeStatus;
import haven.scheduler.WhatIf;
import java.util.TreeSet;

/**
 * {@code PUT /ha/config?dry_run=true} ({@code haven config apply --dry-run}): a checked config's effect without committing
 * it: what each node does to its resources when it takes the change (the same {@link ConfigDiff} the nodes compute),
 * then what the coordinator would place, round by round ({@link WhatIf} with the new config).
 */
final class DryRun {
    private DryRun() {}

    static String of(NodeStatus s, ClusterConfig next, ReloadRules rules, long base) {
        ConfigDiff diff = ConfigDiff.between(s.config(), next, rules);
        WhatIf.Outcome o = WhatIf.play(s.config(), s.state(), new TreeSet<>(s.members()), System.currentTimeMillis(),
                new WhatIf.ConfigChange(next, base + 1));
        return "dry run: nothing was committed; the config is valid and would be version " + (base + 1) + "\n"
                + "on every node: " + diff.summary() + "\n" + o.text();
    }
}
