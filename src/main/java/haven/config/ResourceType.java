package haven.config;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The resource types the config knows, with the parameters each accepts. The agents validate again when
 * they run; checking here lets `haven config check` catch a typo before the file reaches any node.
 */
enum ResourceType {
    IPADDR("ipaddr", List.of("address"), List.of("nic")) {
        @Override
        void check(ResourceParams p) {
            p.required("address", "the virtual address with its prefix length, e.g. address: 10.0.0.100/24")
                    .ifPresent(a -> Ipv4.cidrError(a).ifPresent(e -> p.problem("address", "'" + a + "' " + e,
                            Ipv4.CIDR_SYNTAX)));
            p.optional("nic").filter(n -> !NIC.matcher(n).matches()).ifPresent(n -> p.problem("nic",
                    "'" + n + "' is not a network interface name",
                    "1..15 characters without spaces or '/', e.g. eth0; leave nic out to use the interface "
                            + "whose network holds the address"));
        }
    },
    PROCESS("process", List.of("command"), List.of("check", "cwd", "log")) {
        @Override
        void check(ResourceParams p) {
            p.required("command", "the command line that runs the service in the foreground, "
                    + "e.g. command: \"nginx -g 'daemon off;'\"")
                    .filter(String::isBlank)
                    .ifPresent(c -> p.problem("command", "is empty", "write the command line to run"));
            p.optional("check").ifPresent(c -> checkError(c).ifPresent(e -> p.problem("check",
                    "'" + c + "' " + e, "write http://HOST:PORT/PATH (healthy on a 2xx or 3xx answer) or "
                            + "tcp:HOST:PORT (healthy when a connection opens), e.g. http://127.0.0.1:80/")));
            for (String dir : List.of("cwd", "log")) {
                p.optional(dir).filter(v -> !v.startsWith("/")).ifPresent(v -> p.problem(dir,
                        "'" + v + "' is not an absolute path", "write it from /, e.g. " + dir + ": /var/lib/app"));
            }
        }
    },
    /** A directory kept the same on a promotable group's instances. */
    REPLICATED_DIR(GroupConfig.Promotable.REPLICATED_DIR, List.of("directory"), List.of("mode", "port", "sync_timeout", "min_in_sync")) {
        @Override
        void check(ResourceParams p) {
            p.required("directory", "the directory to replicate, e.g. directory: /srv/uploads")
                    .ifPresent(d -> belowRoot(p, "directory", d, "write the data's directory from /, e.g. directory: /srv/uploads"));
            replicationMode(p, "an fsync returns once every in-sync replica has the data; async: replicas trail by a lag status reports");
            port(p, 7790);
            p.optional("sync_timeout").filter(v -> !positiveDuration(v)).ifPresent(v -> p.problem("sync_timeout",
                    "'" + v + "' is not a positive duration", "e.g. sync_timeout: 1s (the default) or 500ms"));
            p.optional("min_in_sync").ifPresent(v -> {
                if (!v.matches("\\d{1,3}")) {
                    p.problem("min_in_sync", "'" + v + "' is not a number of replicas", "e.g. min_in_sync: 1 (an fsync fails rather than"
                            + " return with no replica in sync); 0, the default, lets a primary left alone go on alone");
                } else if (Integer.parseInt(v) > 0 && p.optional("mode").orElse("sync").equals("async")) {
                    p.problem("min_in_sync", "applies to mode: sync only (async never waits for a replica)",
                            "remove min_in_sync, or set mode: sync");
                }
            });
        }
    },
    /** A PostgreSQL server replicated by streaming replication, primary on one instance of a promotable group. */
    POSTGRESQL(GroupConfig.Promotable.POSTGRESQL, List.of("data"), List.of("mode", "port", "bin", "user", "clients", "client_auth")) {
        @Override
        void check(ResourceParams p) {
            for (String dir : List.of("data", "bin")) {
                p.optional(dir).ifPresent(d -> belowRoot(p, dir, d, "write it from /, e.g. data: /var/lib/postgresql/haven"));
            }
            p.required("data", "the database cluster's directory (initdb fills it on first start), e.g. data: /var/lib/postgresql/haven");
            replicationMode(p, "a commit returns once a replica has flushed it; async: replicas trail by a lag");
            port(p, 5432);
            p.optional("clients").ifPresent(c -> Ipv4.cidrError(c).ifPresent(e -> p.problem("clients", "'" + c + "' " + e,
                    "the network allowed to connect, e.g. clients: 10.0.0.0/24")));
            p.optional("client_auth").filter(a -> !List.of("scram-sha-256", "md5", "trust", "reject").contains(a)).ifPresent(a -> p.problem(
                    "client_auth", "'" + a + "' is not a client authentication method haven writes", "scram-sha-256 (default), md5, trust or reject"));
        }
    };

    /** {@code value} of {@code key} must be an absolute path other than / itself. */
    private static void belowRoot(ResourceParams p, String key, String value, String hint) {
        if (!value.startsWith("/") || value.replaceAll("/+", "/").equals("/")) {
            p.problem(key, "'" + value + "' is not an absolute path below /", hint);
        }
    }

    /** The {@code mode} of a replicated type: sync (the default; {@code syncMeans} says what it guarantees) or async. */
    private static void replicationMode(ResourceParams p, String syncMeans) {
        p.optional("mode").filter(m -> !m.equals("sync") && !m.equals("async")).ifPresent(m -> p.problem("mode",
                "'" + m + "' is neither sync nor async", "sync: " + syncMeans));
    }

    private static void port(ResourceParams p, int otherwise) {
        p.optional("port").filter(v -> !v.matches("\\d{1,5}") || Integer.parseInt(v) < 1 || Integer.parseInt(v) > 65535)
                .ifPresent(v -> p.problem("port", "'" + v + "' is not a TCP port", "1..65535; default " + otherwise));
    }

    private static boolean positiveDuration(String text) {
        try {
            java.time.Duration d = haven.core.Durations.parse(text);
            return !d.isNegative() && !d.isZero();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static final Pattern NIC = Pattern.compile("[^\\s/]{1,15}");
    private static final String HOST = "((?:\\d{1,3}\\.){3}\\d{1,3}|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)";
    private static final Pattern HTTP_CHECK = Pattern.compile("http://" + HOST + ":(\\d{1,5})(/\\S*)?");
    private static final Pattern TCP_CHECK = Pattern.compile("tcp:" + HOST + ":(\\d{1,5})");

    final String word;
    final List<String> required;
    final List<String> optional;

    ResourceType(String word, List<String> required, List<String> optional) {
        this.word = word;
        this.required = required;
        this.optional = optional;
    }

    /** Reports every parameter problem of a resource of this type; unknown names are checked by the caller. */
    abstract void check(ResourceParams params);

    List<String> parameterNames() {
        return java.util.stream.Stream.concat(required.stream(), optional.stream()).toList();
    }

    static Optional<ResourceType> of(String word) {
        return Arrays.stream(values()).filter(t -> t.word.equals(word)).findFirst();
    }

    static List<String> words() {
        return Arrays.stream(values()).map(t -> t.word).toList();
    }

    /** Why a process health check is malformed, or empty when it is well formed. */
    static Optional<String> checkError(String check) {
        Matcher m = HTTP_CHECK.matcher(check);
        if (!m.matches()) {
            m = TCP_CHECK.matcher(check);
        }
        if (!m.matches()) {
            return Optional.of("is not a health check");
        }
        String host = m.group(1);
        if (host.matches("[\\d.]+") && Ipv4.addressError(host).isPresent()) {
            return Optional.of("has host '" + host + "', which is not an IPv4 address");
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            return Optional.of("has port " + port + ", out of range 1..65535");
        }
        return Optional.empty();
    }
}
