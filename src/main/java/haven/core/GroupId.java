package haven.core;

/** A group of resources that always run together on one node, started in order and stopped in reverse. */
public record GroupId(String name) implements Comparable<GroupId> {
    public GroupId {
        Names.check("group", name);
    }

    public static GroupId of(String name) {
        return new GroupId(name);
    }

    @Override
    public int compareTo(GroupId other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
