package haven.services;

import java.util.List;

/**
 * A web site: the virtual IP and nginx, run by ocf:heartbeat:nginx (start, stop, reload, and a monitor that
 * fetches a page). nginx rather than apache because the agent needs no status module: its depth-10 monitor
 * fetches {@code status10url} and apache's agent insists on mod_status being enabled.
 */
public final class WebService implements ServiceKind {
    static final String DEFAULT_CONFIG = "/etc/nginx/nginx.conf";

    @Override
    public String kind() {
        return "web";
    }

    @Override
    public String packages() {
        return "nginx (or nginx-light)";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        ServiceKind.refuseData(r, "web", "the document root is the 'root' of the nginx config");
        int port = r.port().orElse(80);
        Resource server = Resource.of(r.name() + "-nginx", "ocf:heartbeat:nginx")
                .param("configfile", r.config().map(Object::toString).orElse(DEFAULT_CONFIG))
                .param("port", Integer.toString(port))
                // At the VIP, not 127.0.0.1: the page must be served where clients ask for it.
                .param("status10url", "http://" + r.address() + ":" + port + "/")
                .advised("40s", "60s", "30s");
        return new ServiceGroup(r.name(), List.of(r.virtualIp(), server), r.prefer());
    }
}
