package haven.services;

import java.util.List;
import java.util.Optional;

/** One kind of ready-made server: which Debian package it needs and how its group is made. */
public interface ServiceKind {
    /** The word on the command line: web, dns, smtp, postgresql. */
    String kind();

    /** The Debian package(s) the nodes need, for messages and the README. */
    String packages();

    ServiceGroup group(ServiceRequest request) throws ServiceException;

    List<ServiceKind> ALL = List.of(new WebService(), new DnsService(), new SmtpService(), new PostgresqlService(),
            new FtpService(), new ImapService(), new SambaService(), new NfsService());

    static Optional<ServiceKind> named(String kind) {
        return ALL.stream().filter(k -> k.kind().equals(kind)).findFirst();
    }

    static List<String> kinds() {
        return ALL.stream().map(ServiceKind::kind).toList();
    }

    /** For kinds whose agent takes no data directory: refuses --data rather than ignoring it. */
    static void refuseData(ServiceRequest r, String kind, String where) throws ServiceException {
        if (r.data().isPresent()) {
            throw new ServiceException("--data has no meaning for " + kind + ": " + where,
                    "leave --data out and set the directory in the server's own config file");
        }
    }
}
