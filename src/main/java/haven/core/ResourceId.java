package haven.core;

public record ResourceId(String name) implements Comparable<ResourceId> {
    public ResourceId {
        Names.check("resource", name);
    }

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
