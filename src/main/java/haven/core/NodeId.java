package haven.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A node's name as written in the config; also its JGroups logical name and Raft id. */
public record NodeId(@JsonValue String name) implements Comparable<NodeId> {
    public NodeId {
        Names.check("node", name);
    }

    @JsonCreator
    public static NodeId of(String name) {
        return new NodeId(name);
    }

    @Override
    public int compareTo(NodeId other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
