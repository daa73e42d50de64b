package haven.membership.jgroups;

import haven.core.NodeId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Node names in beats, turned into {@link NodeId}s without checking every name of every beat again: the config's
 * names are known, and a beat's member list is the same text beat after beat, so it is parsed once. A name the
 * config does not know is checked as any other input is ({@link NodeId#of}); a malformed one throws
 * IllegalArgumentException, and the beat is dropped.
 */
final class BeatNames {
    /** Member lists cached at most: a list per view a member reports, and views change seldom. */
    static final int MAX_LISTS = 64;
    private final Map<String, NodeId> known;
    private final Map<String, List<NodeId>> lists = new ConcurrentHashMap<>();

    BeatNames(Collection<NodeId> configured) {
        this.known = configured.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(NodeId::name, Function.identity()));
    }

    NodeId id(String name) {
        NodeId id = known.get(name);
        return id != null ? id : NodeId.of(name);
    }

    /** A beat's comma-separated member list. */
    List<NodeId> members(String text) {
        List<NodeId> cached = lists.get(text);
        if (cached != null) return cached;
        List<NodeId> parsed = new ArrayList<>();
        if (!text.isEmpty()) {
            for (String name : text.split(",", -1)) parsed.add(id(name));
        }
        if (lists.size() >= MAX_LISTS) lists.clear();
        List<NodeId> members = List.copyOf(parsed);
        lists.put(text, members);
        return members;
    }

    int cachedLists() {
        return lists.size();
    }
}
