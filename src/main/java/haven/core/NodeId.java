package haven.core;

/** A node's name as written in the config; also its JGroups logical name and Raft id. */
public record NodeId(String name) implements Comparable<NodeId> {
    public NodeId {
        Names.check("node", name);
    }

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
