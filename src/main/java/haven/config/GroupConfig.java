package haven.config;

import haven.core.GroupId;
import haven.core.NodeId;
import haven.core.ResourceId;
import java.util.List;
import java.util.Optional;

/** Resources started in list order and stopped in reverse, always all on one node. */
public record GroupConfig(GroupId id, List<ResourceId> members, Optional<NodeId> preferredNode) {
    public GroupConfig {
        members = List.copyOf(members);
    }
}
