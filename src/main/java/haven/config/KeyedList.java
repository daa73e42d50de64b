package haven.config;

import java.util.AbstractList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.RandomAccess;
import java.util.function.Function;

/**
 * An unmodifiable list of config entries that also finds them by key. The config's lookups by name scanned its
 * lists, and the scheduler looks a group up for every group and a node for every node of every group: planning
 * grew with the square of the groups (issue 16: 16 s to re-plan 50,000 groups). Equal to any list of the same
 * elements, as the plain list it replaces was.
 *
 * @param <K> the key (a name)
 * @param <V> the entry
 */
final class KeyedList<K, V> extends AbstractList<V> implements RandomAccess {
    private final List<V> items;
    private final Map<K, V> byKey;
    private final Map<Object, V> byMember;

    KeyedList(Collection<V> items, Function<V, K> key) {
        this(items, key, v -> List.of());
    }

    /** {@code members}: what else finds an entry (a group's resources find their group). */
    KeyedList(Collection<V> items, Function<V, K> key, Function<V, ? extends Collection<?>> members) {
        this.items = List.copyOf(items);
        Map<K, V> index = new HashMap<>(this.items.size() * 2);
        Map<Object, V> memberIndex = new HashMap<>();
        // The first of a name wins, as the scan's findFirst did (the loader refuses duplicate names anyway).
        for (V v : this.items) {
            index.putIfAbsent(key.apply(v), v);
            for (Object m : members.apply(v)) memberIndex.putIfAbsent(m, v);
        }
        this.byKey = index;
        this.byMember = memberIndex;
    }

    Optional<V> find(K key) {
        return Optional.ofNullable(byKey.get(key));
    }

    Optional<V> findByMember(Object member) {
        return Optional.ofNullable(byMember.get(member));
    }

    @Override
    public V get(int index) {
        return items.get(index);
    }

    @Override
    public int size() {
        return items.size();
    }
}
