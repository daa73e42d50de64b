package haven.services;

import haven.executor.agents.Ipv4Prefix;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32;

/**
 * An NFS server for one directory on shared storage: the kernel's NFS server run by ocf:heartbeat:nfsserver,
 * the export by ocf:heartbeat:exportfs, then the virtual IP. The order is the reverse of the other kinds on
 * purpose: nfsd listens on every address, so the VIP comes up last (clients reach the server only once the
 * export is there) and goes first on a stop (clients see the server vanish at once and retry against the
 * new node instead of hanging on half-stopped exports). The server's state (client locks and leases, in
 * /var/lib/nfs) lives in a directory beside the export on the same shared storage, so clients reclaim their
 * locks on the node that takes over.
 */
public final class NfsService implements ServiceKind {
    @Override
    public String kind() {
        return "nfs";
    }

    @Override
    public String packages() {
        return "nfs-kernel-server";
    }

    @Override
    public ServiceGroup group(ServiceRequest r) throws ServiceException {
        Path export = r.data().orElseThrow(() -> new ServiceException("nfs needs --data",
                "give the directory to export, on storage every node mounts at the same path, e.g. --data /srv/nfs/share"));
        if (r.config().isPresent()) {
            throw new ServiceException("--config has no meaning for nfs: the export is managed by haven, not /etc/exports",
                    "leave --config out; keep the directory out of /etc/exports on every node");
        }
        if (r.port().isPresent()) {
            throw new ServiceException("--port has no meaning for nfs", "NFS listens on 2049; set other ports in /etc/nfs.conf");
        }
        if (export.getParent() == null) {
            throw new ServiceException("--data / cannot be exported", "give the directory to export, e.g. --data /srv/nfs/share");
        }
        Path state = export.resolveSibling(export.getFileName() + ".nfs-state");
        Resource server = Resource.of(r.name() + "-nfsd", "ocf:heartbeat:nfsserver")
                .param("nfs_shared_infodir", state.toString())
                .param("nfs_ip", r.address())
                .advised("40s", "20s", "20s");
        Resource share = Resource.of(r.name() + "-export", "ocf:heartbeat:exportfs")
                .param("directory", export.toString())
                .param("clientspec", subnet(r.address(), r.prefix()))
                .param("options", "rw,sync")
                // The same fsid on every node, so the file handles clients hold stay valid after a failover.
                .param("fsid", Long.toString(fsid(r.name())))
                .advised("40s", "120s", "20s");
        return new ServiceGroup(r.name(), List.of(server, share, r.virtualIp()), r.prefer());
    }

    /** The network the VIP lives in, e.g. 10.0.0.0/24: the clients that may mount by default. */
    static String subnet(String address, int prefix) {
        return Ipv4Prefix.parse(address + "/" + prefix, true).networkText();
    }

    /** A stable export id from the group's name, 1..65535 (0 is the NFSv4 root, which this export is not). */
    static long fsid(String name) {
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return 1 + crc.getValue() % 65535;
    }
}
