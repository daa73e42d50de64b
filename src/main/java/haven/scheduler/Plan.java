package haven.scheduler;

import haven.cib.Command;
import haven.core.GroupId;
import java.util.List;
import java.util.SortedMap;

/**
 * What the coordinator should commit next, and why each group is where it is (or is going). Commands
 * are one log entry: applied together, so "node lost" and "group placed elsewhere" land in one commit.
 */
public record Plan(List<Command> commands, SortedMap<GroupId, Explanation> explanations) {
    public Plan {
        commands = List.copyOf(commands);
        explanations = java.util.Collections.unmodifiableSortedMap(new java.util.TreeMap<>(explanations));
    }
}
