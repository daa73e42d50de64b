package haven.api;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The rule of the local API on 127.0.0.1: anyone on the machine may read the cluster's state (what `haven
 * status` shows), but only root, or a member of the group the config names ({@code api.local_group}), may
 * change anything or read a secret in clear. A process that runs the resources' agents as root can do
 * everything anyway; anyone else could otherwise start a command as root on every node through a
 * {@code process} resource. The caller is known by the uid owning its socket ({@link LoopbackPeers}).
 */
final class LocalAccess {
    private final String node;
    private final Optional<String> group;

    LocalAccess(String node, Optional<String> group) {
        this.node = node;
        this.group = group;
    }

    Caller caller(InetSocketAddress client, InetSocketAddress server) {
        return new Caller(() -> identity(LoopbackPeers.uid(client, server), UnixAccounts.local()));
    }

    Caller.Identity identity(OptionalInt uid, UnixAccounts accounts) {
        String via = " on " + node + "'s local API";
        if (uid.isEmpty()) {
            return new Caller.Identity("an unknown local user" + via, false, false, "the daemon cannot tell which user opened"
                    + " this connection (no live entry for it in /proc/net/tcp), so it treats it as unprivileged; " + fix());
        }
        int id = uid.getAsInt();
        String user = accounts.name(id).map(n -> n + " (uid " + id + ")").orElse("uid " + id);
        boolean allowed = id == 0 || group.filter(g -> accounts.inGroup(id, g)).isPresent();
        return new Caller.Identity(user + via, allowed, allowed, "on the local API only root"
                + group.map(g -> " or a member of group " + g + " (api.local_group)").orElse("")
                + " may change the cluster or read its secrets, and this connection is " + user + "; " + fix());
    }

    private String fix() {
        return "run the command as root (sudo haven ...)" + (group.isPresent()
                ? " or as a member of group " + group.get() + " (usermod -aG " + group.get() + " USER)"
                : " or let a group do it with api.local_group in the config")
                + "; reads of the state (GET) need nothing";
    }
}
