package haven.services;

import java.util.List;

/**
 * An IMAP server: the virtual IP and Dovecot, run by ocf:heartbeat:dovecot (start, stop, and a monitor
 * that checks the master process named in the pid file). {@code --data DIR} is Dovecot's
 * base_dir, where its master.pid lives, and must match base_dir in dovecot.conf.
 */
public final class ImapService implements ServiceKind {

    @Override
    public String kind() {
        return "imap";
    }

    @Override
    public String packages() {
        return "dovecot-imapd";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        if (r.port().isPresent()) {
            throw new ServiceException("--port has no meaning for imap", "set the imap listener's port in dovecot.conf");
        }
        Resource server = Resource.of(r.name() + "-dovecot", "ocf:heartbeat:dovecot");
        // Not config_file: the agent (resource-agents 4.12) adds "-c config_file" only when an unset
        // $config_dir is non-empty, so it never does, and every node would start the default config. Its
        // "parameters" go on every dovecot call, start and stop alike.
        if (r.config().isPresent()) {
            String c = r.config().get().toString();
            if (c.matches(".*[\\s'\"$`\\\\;&|<>].*")) {
                throw new ServiceException("--config '" + c + "' holds a blank or a shell character",
                        "the agent passes it through a shell; use a plain path");
            }
            server.param("parameters", "-c " + c);
        }
        // The agent's default pid file is one path for the whole machine; --data names this server's own.
        r.data().ifPresent(d -> server.param("pid_file", d.resolve("master.pid").toString()));
        server.advised("20s", "20s", "20s");
        return new ServiceGroup(r.name(), List.of(r.virtualIp(), server), r.prefer());
    }
}
