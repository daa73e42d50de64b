package haven.services;

import java.util.List;

/**
 * A Windows file server: the virtual IP and Samba's smbd, run by haven's built-in {@code process} type
 * (supervised in the foreground, healthy while port 445 of the VIP accepts connections). The ClusterLabs
 * agents hold none for the server itself: ocf:heartbeat:smb-share only edits shares of an smbd that
 * something else runs, and Debian's smbd init script takes no config path, so two configs cannot be told
 * apart.
 */
public final class SambaService implements ServiceKind {
    static final String DEFAULT_CONFIG = "/etc/samba/smb.conf";

    @Override
    public String kind() {
        return "samba";
    }

    @Override
    public String packages() {
        return "samba";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        ServiceKind.refuseData(r, "samba", "each share's path is set in smb.conf");
        if (r.port().isPresent()) {
            throw new ServiceException("--port has no meaning for samba", "set smb ports in smb.conf");
        }
        String config = r.config().map(Object::toString).orElse(DEFAULT_CONFIG);
        if (config.matches(".*[\\s'\"$`\\\\;&|<>].*")) {
            throw new ServiceException("--config '" + config + "' holds a blank or a shell character",
                    "the command runs through a shell; use a plain path");
        }
        // --no-process-group: the supervisor already gives it a group of its own and stops that group.
        Resource server = Resource.of(r.name() + "-smbd", "process")
                .param("command", "exec /usr/sbin/smbd --foreground --no-process-group -s " + config)
                .param("check", "tcp:" + r.address() + ":445")
                .advised("20s", "20s", "20s");
        return new ServiceGroup(r.name(), List.of(r.virtualIp(), server), r.prefer());
    }
}
