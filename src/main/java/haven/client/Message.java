package haven.client;

import java.util.Optional;

/** A delivered message. {@code seq} is its place in the cluster-wide order, the same on every node; {@code to} empty means all nodes. */
public record Message(long seq, String from, Optional<String> to, String name, String value, long atEpochMs) {}
