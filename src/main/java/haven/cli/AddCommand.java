package haven.cli;

import haven.config.ConfigAppender;
import haven.config.ConfigException;
import haven.core.AtomicFile;
import haven.services.ServiceException;
import haven.services.ServiceGroup;
import haven.services.ServiceKind;
import haven.services.ServiceRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * `haven add KIND NAME --ip ADDR/PREFIX`: appends a ready-made service (a virtual IP and the server, with
 * the ClusterLabs agent made for it) to a config file, keeping everything else in the file as written.
 * Exit codes: 0 added (or printed, with --dry-run), 1 refused (the file is unchanged), 2 unreadable file.
 */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Add a ready-made service to a cluster config file: a group of a virtual IP and the server.",
            "Kinds: web (nginx), dns (bind9 named), smtp (postfix), postgresql, ftp (vsftpd), imap (dovecot), samba (smbd). The file keeps its comments."})
public final class AddCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "KIND", description = "web, dns, smtp, postgresql, ftp, imap or samba")
    String kind;

    @Parameters(index = "1", paramLabel = "NAME", description = "the group's name; its resources are NAME-ip and NAME-SERVER")
    String name;

    @Option(names = "--ip", required = true, paramLabel = "ADDR/PREFIX", description = "the virtual IPv4 address clients use, e.g. 10.0.0.100/24")
    String ip;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", defaultValue = "/etc/haven/cluster.yaml",
            description = "the config file to edit (default: ${DEFAULT-VALUE})")
    Path file;

    @Option(names = "--data", paramLabel = "DIR", description = "postgresql: the data directory (required); dns: where named's pid file goes; imap: dovecot's base_dir")
    Path data;

    @Option(names = "--config", paramLabel = "PATH", description = "the server's config: nginx.conf, named.conf, postfix config directory, postgresql.conf, vsftpd.conf, dovecot.conf or smb.conf")
    Path config;

    @Option(names = "--port", paramLabel = "PORT", description = "web: the HTTP port (80); postgresql: the port (5432); ftp: the port the check connects to (21)")
    Integer port;

    @Option(names = "--node-prefer", paramLabel = "NODE", description = "the node the group runs on when it can")
    String prefer;

    @Option(names = "--replicas", paramLabel = "N", description = "postgresql: replicate it with haven's own streaming replication,"
            + " primary on one node and a replica on N others (default 2 when --mode is given)")
    Integer replicas;

    @Option(names = "--mode", paramLabel = "MODE", description = "postgresql with --replicas: sync (a commit returns once a replica"
            + " has it; the default) or async")
    String mode;

    @Option(names = "--dry-run", description = "print what would be added and change nothing")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return add(out, err);
        } finally {
            out.flush();
            err.flush();
        }
    }

    private int add(PrintWriter out, PrintWriter err) {
        Optional<ServiceKind> service = ServiceKind.named(kind);
        if (service.isEmpty()) {
            err.println("haven add: unknown kind '" + kind + "'\n  hint: use one of " + String.join(", ", ServiceKind.kinds()));
            return 1;
        }
        ServiceGroup group;
        try {
            if ((replicas != null || mode != null) && !kind.equals("postgresql")) {
                throw new ServiceException("--replicas and --mode are for postgresql, which haven replicates itself",
                        "replicate other servers' data with a replicated-dir resource in a promotable group");
            }
            group = service.get().group(ServiceRequest.of(name, ip, Optional.ofNullable(data),
                    Optional.ofNullable(config), Optional.ofNullable(prefer), Optional.ofNullable(port))
                    .replicated(Optional.ofNullable(replicas), Optional.ofNullable(mode)));
        } catch (ServiceException e) {
            err.println("haven add " + kind + ": " + e.getMessage() + "\n  hint: " + e.hint());
            return 1;
        }
        String before;
        try {
            before = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            err.println("haven add: " + file + " is not UTF-8 text\n  hint: save it as UTF-8");
            return 2;
        } catch (IOException e) {
            err.println("haven add: cannot read " + file + " (" + e.getMessage() + ")\n  hint: give the cluster config"
                    + " with --file; `haven config example > FILE` makes one");
            return 2;
        }
        String after;
        try {
            Path dir = file.toAbsolutePath().getParent();
            after = ConfigAppender.append(before, file.toString(), dir, group.addition());
        } catch (ConfigException e) {
            e.problems().forEach(err::println);
            err.println("haven add: nothing added; " + file + " is unchanged");
            return 1;
        }
        if (dryRun) {
            out.println("# would add to " + file + " (needs: " + service.get().packages() + " on every node)");
            out.print(group.describe());
            return 0;
        }
        try {
            AtomicFile.replace(file, after);
        } catch (IOException e) {
            err.println("haven add: cannot write " + file + " (" + e.getMessage() + "); it is unchanged\n  hint: run as"
                    + " a user who may write that file and its folder");
            return 2;
        }
        out.println("added group " + group.name() + " (" + String.join(", ", group.resources().stream()
                .map(r -> r.name() + " " + r.type()).toList()) + ") to " + file);
        out.println("needs " + service.get().packages() + " on every node; check with `haven config check " + file + "`");
        return 0;
    }
}
