package haven.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes what the nodes read: the cluster config (one file, identical on every node, as the daemon requires)
 * and a small nginx site per node whose page names the node, so a client can tell who served it.
 */
public final class LabFiles {
    static final String KEY = "lab-key-0123456789abcdef";
    private final LabLayout layout;
    private final LabState state;

    public LabFiles(LabLayout layout, LabState state) {
        this.layout = layout;
        this.state = state;
    }

    public void writeAll() {
        if (layout.fencing()) writeLauncher();
        LabState.write(state.config(), config());
        for (String node : layout.nodeNames()) {
            writeSite(node);
        }
        if (layout.ocfAgents()) writeEtc();
    }

    /** The config. The web server's command names no node: the daemon exports HAVEN_NODE to its agents. */
    String config() {
        StringBuilder y = new StringBuilder();
        y.append("cluster:\n");
        y.append("  name: ").append(layout.clusterName()).append('\n');
        y.append("  key: \"").append(KEY).append("\"\n");
        y.append("nodes:\n");
        for (int i = 1; i <= layout.nodes(); i++) {
            y.append("  - name: ").append(layout.nodeName(i)).append('\n');
            y.append("    address: ").append(layout.nodeAddress(i)).append('\n');
            if (layout.replicationNet() && !layout.isWitness(i)) {
                y.append("    replication_address: ").append(layout.nodeReplicationAddress(i)).append('\n');
            }
            if (layout.isWitness(i)) {
                y.append("    role: witness\n");
            }
        }
        y.append("resources:\n");
        if (layout.ocfAgents()) {
            appendOcfResources(y);
        } else {
            y.append("  - name: vip\n");
            y.append("    type: ipaddr\n");
            y.append("    params: { address: ").append(layout.vip()).append("/24 }\n");
            y.append("    monitor_interval: 2s\n");
            y.append("  - name: site\n");
            y.append("    type: process\n");
            y.append("    params: { command: \"").append(siteCommand()).append("\", check: \"http://127.0.0.1:80/\" }\n");
            y.append("    monitor_interval: 2s\n");
        }
        if (layout.ping() || layout.twoNode() || layout.freeze()) {
            y.append("quorum:\n");
            if (layout.freeze()) y.append("  no_quorum_policy: freeze\n");
            if (layout.twoNode()) {
                y.append("  mode: two_node\n");
                // The lab's fence device boots a JVM (the launcher) and takes up to ~6 s on a busy 2-core machine;
                // the delay must outlast it, or after a cut link each node powers the other off.
                y.append("  priority_fence_delay: 10s\n");
            }
            if (layout.ping()) y.append("  ping_nodes: [").append(layout.clientAddress()).append("]\n");
        }
        if (layout.fencing()) {
            y.append("fencing:\n");
            y.append("  devices:\n");
            y.append("    - name: lab\n");
            y.append("      agent: fence_haven_lab\n");
            y.append("      params: { lab: ").append(layout.prefix()).append(", haven: \"").append(launcher()).append("\" }\n");
            y.append("      hosts: [").append(String.join(", ", layout.nodeNames())).append("]\n");
        }
        y.append("groups:\n");
        y.append("  - name: web\n");
        y.append("    members: [vip, site]\n");
        y.append("    prefer: ").append(layout.nodeName(1)).append('\n');
        return y.toString();
    }

    /**
     * The same group from unmodified ClusterLabs agents. An OCF agent's parameters are the same on every
     * node and the nginx agent takes only a config file path, so that path is under /etc, which each lab
     * host sees as its own: `ip netns exec` (which starts every lab daemon) binds /etc/netns/NS/X over
     * /etc/X, just as separate machines each have their own /etc.
     */
    private void appendOcfResources(StringBuilder y) {
        y.append("  - name: vip\n");
        y.append("    type: ocf:heartbeat:IPaddr2\n");
        y.append("    params: { ip: ").append(layout.vip()).append(", cidr_netmask: 24 }\n");
        y.append("    monitor_interval: 2s\n");
        y.append("  - name: site\n");
        y.append("    type: ocf:heartbeat:nginx\n");
        y.append("    params: { configfile: ").append(etcDir(layout.prefix()).resolve("nginx.conf"))
                .append(", status10url: \"http://127.0.0.1:80/\" }\n");
        y.append("    monitor_interval: 2s\n");
    }

    /** The folder every lab host of {@code prefix} sees at the same path, with its own content. */
    static Path etcDir(String prefix) {
        return Path.of("/etc", "haven-lab-" + prefix);
    }

    /** Each node's copy of {@link #etcDir}, bound over it inside the node by `ip netns exec`. */
    private void writeEtc() {
        try {
            Files.createDirectories(etcDir(layout.prefix()));
        } catch (java.io.IOException e) {
            throw new LabException("cannot create " + etcDir(layout.prefix()) + ": " + e.getMessage());
        }
        for (int i = 1; i <= layout.nodes(); i++) {
            Path own = Path.of("/etc/netns", layout.nodeNamespace(i), etcDir(layout.prefix()).getFileName().toString());
            LabState.write(own.resolve("nginx.conf"), nginxConf(state.www().resolve(layout.nodeName(i)).toAbsolutePath()));
        }
    }

    /** Removes what {@link #writeEtc} wrote for the lab {@code prefix}; idempotent. */
    static void removeEtc(String prefix) {
        String name = etcDir(prefix).getFileName().toString();
        Path netns = Path.of("/etc/netns");
        if (Files.isDirectory(netns)) {
            try (var dirs = Files.list(netns)) {
                for (Path ns : dirs.filter(d -> d.getFileName().toString().startsWith(prefix + "-")).toList()) {
                    deleteTree(ns.resolve(name));
                    try (var left = Files.list(ns)) {
                        if (left.findAny().isEmpty()) Files.delete(ns);
                    }
                }
            } catch (java.io.IOException e) {
                throw new LabException("cannot clean " + netns + " of lab " + prefix + ": " + e.getMessage());
            }
        }
        deleteTree(etcDir(prefix));
        try {
            Files.deleteIfExists(netns); // only when empty: other labs may have theirs there
        } catch (java.io.IOException e) {
            // not empty, or not ours to remove
        }
    }

    private static void deleteTree(Path dir) {
        try {
            haven.core.FileTrees.delete(dir);
        } catch (java.io.IOException e) {
            throw new LabException("cannot delete " + dir + ": " + e.getMessage());
        }
    }

    /**
     * The `haven` the lab fence agent calls (`haven lab fault kill|heal`): this lab's own runtime, so it works from a
     * test build too, with {@link LabMain}, which knows the lab's commands only.
     */
    Path launcher() {
        return state.dir().resolve("haven");
    }

    private void writeLauncher() {
        List<String> cmd = HavenRuntime.current().javaCommand(HavenRuntime.cliOptions(), LabMain.class.getName(), List.of());
        List<String> quoted = new java.util.ArrayList<>();
        for (String word : cmd) quoted.add("'" + word.replace("'", "'\\''") + "'");
        try {
            Files.writeString(launcher(), "#!/bin/sh\nexec " + String.join(" ", quoted) + " \"$@\"\n");
            Files.setPosixFilePermissions(launcher(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (java.io.IOException e) {
            throw new LabException("cannot write " + launcher() + ": " + e.getMessage());
        }
    }

    /**
     * The web server's shell command, the same on every node: $HAVEN_NODE (set by the daemon for its agents)
     * picks the node's own folder. -e moves nginx's early error log off /var/log/nginx.
     */
    public String siteCommand() {
        String site = state.www().toAbsolutePath() + "/$HAVEN_NODE";
        return "exec nginx -p " + site + " -c " + site + "/nginx.conf -e " + site + "/error.log -g 'daemon off;'";
    }

    private void writeSite(String node) {
        Path dir = state.www().resolve(node).toAbsolutePath();
        LabState.write(dir.resolve("html").resolve("index.html"), "served by " + node + "\n");
        LabState.write(dir.resolve("tmp").resolve(".keep"), "");
        LabState.write(dir.resolve("nginx.conf"), nginxConf(dir));
    }

    /** Everything nginx writes stays in the node's folder: no dependence on /var/lib/nginx or /var/log/nginx. */
    static String nginxConf(Path dir) {
        String d = dir.toString();
        return """
                # written by `haven lab up`; one site per lab node
                user root;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/tmp/body;
                    proxy_temp_path %1$s/tmp/proxy;
                    fastcgi_temp_path %1$s/tmp/fastcgi;
                    uwsgi_temp_path %1$s/tmp/uwsgi;
                    scgi_temp_path %1$s/tmp/scgi;
                    default_type text/plain;
                    keepalive_timeout 0;
                    server {
                        listen 80;
                        root %1$s/html;
                        index index.html;
                    }
                }
                """.formatted(d);
    }
}
