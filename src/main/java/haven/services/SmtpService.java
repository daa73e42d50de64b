package haven.services;

import java.util.List;

/**
 * A mail server: the virtual IP and Postfix, run by ocf:heartbeat:postfix ({@code postfix start|stop|status}).
 * Without --config the node's own /etc/postfix is used; a --config directory must be listed in
 * alternate_config_directories of /etc/postfix/main.cf, which the agent checks before starting.
 */
public final class SmtpService implements ServiceKind {

    @Override
    public String kind() {
        return "smtp";
    }

    @Override
    public String packages() {
        return "postfix";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        ServiceKind.refuseData(r, "smtp", "the queue is queue_directory in main.cf");
        if (r.port().isPresent()) {
            throw new ServiceException("--port has no meaning for smtp", "set the smtp service's port in master.cf");
        }
        Resource server = Resource.of(r.name() + "-postfix", "ocf:heartbeat:postfix");
        r.config().ifPresent(c -> server.param("config_dir", c.toString()));
        server.advised("20s", "20s", "20s");
        return new ServiceGroup(r.name(), List.of(r.virtualIp(), server), r.prefer());
    }
}
