package haven.services;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the administrator asked for. {@code address} and {@code prefix} form the virtual IPv4 address
 * clients use; paths are as the nodes see them (the same on every node).
 */
public record ServiceRequest(String name, String address, int prefix, Optional<Path> data, Optional<Path> config,
                             Optional<String> prefer, Optional<Integer> port, Optional<Replicated> replicated) {
    /** A server that haven replicates itself ({@code --replicas}, {@code --mode}): primary on one node, replicas on others. */
    public record Replicated(int replicas, boolean sync) {}

    // The group's resources are NAME-ip and NAME-KIND; the config loader allows 63 characters per name.
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,49}");
    private static final Pattern IPV4_CIDR = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})/(\\d{1,2})");

    /** Checks the name and splits ADDR/PREFIX; every error names the option and the fix. */
    public static ServiceRequest of(String name, String ipCidr, Optional<Path> data, Optional<Path> config,
                                    Optional<String> prefer, Optional<Integer> port) throws ServiceException {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ServiceException("NAME '" + name + "' is not a valid group name",
                    "use a letter, then letters, digits, '_', '.' or '-' (at most 50 characters), e.g. www");
        }
        var m = ipCidr == null ? null : IPV4_CIDR.matcher(ipCidr);
        if (m == null || !m.matches()) {
            throw new ServiceException("--ip '" + ipCidr + "' is not ADDR/PREFIX",
                    "write an IPv4 address, '/', and the prefix length of its subnet, e.g. --ip 10.0.0.100/24");
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                throw new ServiceException("--ip '" + ipCidr + "' has a number above 255", "e.g. --ip 10.0.0.100/24");
            }
        }
        int prefix = Integer.parseInt(m.group(5));
        if (prefix < 1 || prefix > 32) {
            throw new ServiceException("--ip '" + ipCidr + "' has prefix length " + prefix,
                    "use the prefix length of the subnet the address lives in, 1..32, e.g. /24");
        }
        for (Optional<Path> p : java.util.List.of(data, config)) {
            if (p.isPresent() && !p.get().isAbsolute()) {
                throw new ServiceException("'" + p.get() + "' is a relative path",
                        "give absolute paths: the agents run from / on every node");
            }
        }
        if (port.isPresent() && (port.get() < 1 || port.get() > 65535)) {
            throw new ServiceException("--port " + port.get() + " is not a TCP port", "use 1..65535");
        }
        String address = ipCidr.substring(0, ipCidr.indexOf('/'));
        return new ServiceRequest(name, address, prefix, data, config, prefer, port, Optional.empty());
    }

    /** The same request for a replicated server; empty options leave it as it is (a server on shared or local data). */
    public ServiceRequest replicated(Optional<Integer> replicas, Optional<String> mode) throws ServiceException {
        if (replicas.isEmpty() && mode.isEmpty()) return this;
        if (replicas.isPresent() && (replicas.get() < 1 || replicas.get() > 1000)) {
            throw new ServiceException("--replicas " + replicas.get() + " is not a number of replicas", "use 1 or more, e.g. --replicas 2");
        }
        String m = mode.orElse("sync");
        if (!m.equals("sync") && !m.equals("async")) {
            throw new ServiceException("--mode '" + m + "' is neither sync nor async",
                    "sync: a commit returns once a replica has it; async: replicas trail behind");
        }
        return new ServiceRequest(name, address, prefix, data, config, prefer, port, Optional.of(new Replicated(replicas.orElse(2), m.equals("sync"))));
    }

    /** The virtual IP resource every service starts with: the address moves with the group. */
    Resource virtualIp() {
        return Resource.of(name + "-ip", "ocf:heartbeat:IPaddr2")
                .param("ip", address)
                .param("cidr_netmask", Integer.toString(prefix))
                .advised("20s", "20s", "20s");
    }
}
