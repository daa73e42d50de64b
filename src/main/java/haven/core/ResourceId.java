package haven.core;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

public record ResourceId(@JsonValue String name) implements Comparable<ResourceId> {
    public ResourceId {
        Names.check("resource", name);
    }

    @JsonCreator
    public static ResourceId of(String name) {
        return new ResourceId(name);
    }

    @Override
    public int compareTo(ResourceId other) {
        return name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
