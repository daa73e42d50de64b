package haven.client;

import java.util.List;

/** A barrier round that completed: every expected participant arrived. */
public record BarrierResult(String barrier, long round, List<String> arrived) {}
