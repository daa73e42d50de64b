package haven.services;

import haven.config.ConfigAppender;
import java.util.List;
import java.util.Optional;

/**
 * The group `haven add` writes: its resources in start order, the node it prefers, and for a replicated server its
 * {@code promotable:} value.
 */
public record ServiceGroup(String name, List<Resource> resources, Optional<String> prefer, Optional<String> promotable) {
    public ServiceGroup {
        resources = List.copyOf(resources);
    }

    public ServiceGroup(String name, List<Resource> resources, Optional<String> prefer) {
        this(name, resources, prefer, Optional.empty());
    }

    public String groupYaml() {
        StringBuilder y = new StringBuilder();
        y.append("- name: ").append(name).append('\n');
        y.append("  members: [").append(String.join(", ", resources.stream().map(Resource::name).toList())).append("]\n");
        prefer.ifPresent(p -> y.append("  prefer: ").append(p).append('\n'));
        promotable.ifPresent(p -> y.append("  promotable: ").append(p).append('\n'));
        return y.toString();
    }

    public ConfigAppender.Addition addition() {
        return new ConfigAppender.Addition(resources.stream().map(Resource::name).toList(),
                resources.stream().map(Resource::toYaml).toList(), name, groupYaml());
    }

    /** What --dry-run prints: the two snippets, as they will read in the file. */
    public String describe() {
        StringBuilder y = new StringBuilder("resources:\n");
        for (Resource r : resources) y.append(r.toYaml().indent(2));
        y.append("groups:\n").append(groupYaml().indent(2));
        return y.toString();
    }
}
