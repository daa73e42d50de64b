package haven.config;

import haven.core.ResourceId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * In which order a group's members start (and, reversed, stop). A virtual address makes clients come to the
 * node the moment it is announced; a service that is not listening yet answers them with a reset (a refused
 * connection, 20–100 ms per failover when the address came first). So by default an address comes up after
 * the group's other members and goes down before them: clients are sent to a node only once its service
 * listens, and leave it before the service stops.
 *
 * <p>That needs a service that can start without the address: one that listens on the wildcard address
 * (nginx's {@code listen 80}), or a kernel that allows binding to an absent address
 * ({@code net.ipv4.ip_nonlocal_bind=1}). A member whose parameters name the address (a check at
 * {@code http://VIP/}, an agent told to bind it) is taken to need it and keeps its place after it. A service
 * that binds the address through its own config file cannot be seen from here: such a group says
 * {@code order: listed}, or the node allows non-local binds.
 */
public final class StartOrder {
    /** The {@code order:} key of a group. */
    public enum Mode {
        /** Addresses after the other members, except before a member that names them. The default. */
        AUTO("auto"),
        /** Every address after every other member. */
        ADDRESS_LAST("address_last"),
        /** Exactly as listed. */
        LISTED("listed");

        public final String word;

        Mode(String word) {
            this.word = word;
        }

        static Optional<Mode> of(String word) {
            for (Mode m : values()) {
                if (m.word.equals(word)) return Optional.of(m);
            }
            return Optional.empty();
        }

        static List<String> words() {
            return java.util.Arrays.stream(values()).map(m -> m.word).toList();
        }
    }

    /** Types whose resource is a virtual address, and the parameter that holds it. */
    private static final Map<String, String> ADDRESS_PARAMS = Map.of(
            ResourceType.IPADDR.word, "address",
            "ocf:heartbeat:IPaddr2", "ip",
            "ocf:heartbeat:IPaddr", "ip");

    private StartOrder() {}

    /** Every group with its start order; {@code resources} holds every member of every group. */
    static List<GroupConfig> resolve(List<GroupConfig> groups, Map<ResourceId, ResourceConfig> resources) {
        List<GroupConfig> out = new ArrayList<>(groups.size());
        for (GroupConfig g : groups) {
            out.add(g.withStartOrder(of(g.members(), g.order(), resources)));
        }
        return out;
    }

    static List<ResourceId> of(List<ResourceId> members, Mode mode, Map<ResourceId, ResourceConfig> resources) {
        if (mode == Mode.LISTED || members.size() < 2) return members;
        List<ResourceId> order = new ArrayList<>();
        List<ResourceId> addresses = new ArrayList<>();
        for (ResourceId r : members) {
            (address(resources.get(r)).isPresent() ? addresses : order).add(r);
        }
        if (addresses.isEmpty()) return members;
        for (ResourceId a : addresses) {
            int before = order.size();
            if (mode == Mode.AUTO) {
                Pattern named = named(address(resources.get(a)).orElseThrow());
                List<ResourceId> after = members.subList(members.indexOf(a) + 1, members.size());
                for (int i = 0; i < order.size(); i++) {
                    if (after.contains(order.get(i)) && names(resources.get(order.get(i)), named)) {
                        before = i;
                        break;
                    }
                }
            }
            order.add(before, a);
        }
        return order;
    }

    /** The address (without prefix length) of an address resource. */
    static Optional<String> address(ResourceConfig rc) {
        if (rc == null) return Optional.empty();
        String param = ADDRESS_PARAMS.get(rc.type());
        if (param == null) return Optional.empty();
        String value = rc.params().get(param);
        if (value == null || value.isBlank()) return Optional.empty();
        int slash = value.indexOf('/');
        return Optional.of((slash < 0 ? value : value.substring(0, slash)).strip());
    }

    /** The address as a whole word: 10.0.0.1 is not named by 10.0.0.10 or 110.0.0.1. */
    private static Pattern named(String address) {
        return Pattern.compile("(?<![0-9.])" + Pattern.quote(address) + "(?![0-9]|\\.[0-9])");
    }

    private static boolean names(ResourceConfig rc, Pattern address) {
        return rc != null && rc.params().values().stream().anyMatch(v -> address.matcher(v).find());
    }
}
