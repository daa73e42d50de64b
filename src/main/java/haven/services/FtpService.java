package haven.services;

import java.util.List;

/**
 * An FTP server: the virtual IP and vsftpd, run by haven's built-in {@code process} type (supervised in the
 * foreground, healthy while port 21 of the VIP accepts connections). Not ocf:heartbeat:vsftpd: its start
 * finds the daemon with {@code pgrep BINPATH}, which matches process names, never a path such as its own
 * default /usr/sbin/vsftpd, so every start fails; and a monitor that only reads a pid file says nothing
 * about whether the server answers.
 */
public final class FtpService implements ServiceKind {
    static final String DEFAULT_CONFIG = "/etc/vsftpd.conf";

    @Override
    public String kind() {
        return "ftp";
    }

    @Override
    public String packages() {
        return "vsftpd";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        ServiceKind.refuseData(r, "ftp", "the served files are local_root or anon_root in vsftpd.conf");
        String config = r.config().map(Object::toString).orElse(DEFAULT_CONFIG);
        if (config.matches(".*[\\s'\"$`\\\\;&|<>].*")) {
            throw new ServiceException("--config '" + config + "' holds a blank or a shell character",
                    "the command runs through a shell; use a plain path");
        }
        int port = r.port().orElse(21);
        // -o after the file overrides it: the supervisor needs vsftpd in the foreground.
        Resource server = Resource.of(r.name() + "-vsftpd", "process")
                .param("command", "exec /usr/sbin/vsftpd " + config + " -obackground=NO")
                .param("check", "tcp:" + r.address() + ":" + port)
                .advised("20s", "20s", "20s");
        return new ServiceGroup(r.name(), List.of(r.virtualIp(), server), r.prefer());
    }
}
