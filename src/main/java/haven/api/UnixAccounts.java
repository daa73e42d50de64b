package haven.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * A uid's name and whether it belongs to a group, from the local account files (/etc/passwd, /etc/group).
 * Accounts only a directory service knows (LDAP through NSS) are not seen: such a user gets the refusal that
 * names its uid, and the fix is a local group (or root). Read at each question, so that adding someone to the
 * group takes effect without restarting the daemon.
 */
final class UnixAccounts {
    private final List<String> passwd;
    private final List<String> group;

    UnixAccounts(List<String> passwd, List<String> group) {
        this.passwd = passwd;
        this.group = group;
    }

    /** This machine's accounts now; unreadable files read as empty (nobody is then a member of anything). */
    static UnixAccounts local() {
        return new UnixAccounts(lines(Path.of("/etc/passwd")), lines(Path.of("/etc/group")));
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    Optional<String> name(int uid) {
        return passwdEntry(uid).map(f -> f[0]);
    }

    /** Whether {@code uid} has {@code groupName} as its primary group or is listed among its members. */
    boolean inGroup(int uid, String groupName) {
        Optional<String[]> user = passwdEntry(uid);
        for (String line : group) {
            String[] g = line.split(":", -1); // name:x:gid:member,member
            if (g.length < 4 || !g[0].equals(groupName)) continue;
            if (user.isPresent() && user.get()[3].equals(g[2])) return true;
            if (user.isPresent() && Arrays.asList(g[3].split(",")).contains(user.get()[0])) return true;
        }
        return false;
    }

    private Optional<String[]> passwdEntry(int uid) {
        String id = Integer.toString(uid);
        for (String line : passwd) {
            String[] f = line.split(":", -1); // name:x:uid:gid:gecos:home:shell
            if (f.length >= 4 && f[2].equals(id)) return Optional.of(f);
        }
        return Optional.empty();
    }
}
