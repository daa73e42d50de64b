package haven.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** A group of resources that always run together on one node, started in order and stopped in reverse. */
public record GroupId(@JsonValue String name) implements Comparable<GroupId> {
    public GroupId {
        Names.check("group", name);
    }

    @JsonCreator
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
