package haven.services;

import java.util.List;

/**
 * A DNS server: the virtual IP and BIND's named, run by ocf:heartbeat:named, whose monitor asks the server
 * a real question ({@code host localhost VIP}, expecting 127.0.0.1, which Debian's default zones answer).
 */
public final class DnsService implements ServiceKind {
    static final String DEFAULT_CONFIG = "/etc/bind/named.conf";

    @Override
    public String kind() {
        return "dns";
    }

    @Override
    public String packages() {
        return "bind9 (and bind9-host, for the agent's monitor)";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        if (r.port().isPresent()) {
            throw new ServiceException("--port has no meaning for dns", "set listen-on port in named.conf");
        }
        Resource server = Resource.of(r.name() + "-named", "ocf:heartbeat:named")
                .param("named_config", r.config().map(Object::toString).orElse(DEFAULT_CONFIG))
                // Debian runs named as 'bind'; the agent's default user 'named' does not exist there.
                .param("named_user", "bind");
        // The agent's default pid file is one path for the whole machine; --data gives each server its own.
        r.data().ifPresent(d -> server.param("named_pidfile", d.resolve("named.pid").toString()));
        server.param("monitor_ip", r.address())
                .advised("60s", "60s", "30s");
        return new ServiceGroup(r.name(), List.of(r.virtualIp(), server), r.prefer());
    }
}
