package haven.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Warnings for a cluster key that other local users can read: in the config file ({@code key:}) or in its
 * {@code key_file}. With the key anyone can join the cluster, forge its traffic and read its log.
 *
 * <p>A warning, not a refusal: a node that refused to start after an upgrade because of a mode it always
 * had would cost an outage for a risk the administrator may have taken knowingly (a group of operators
 * sharing the file), and `haven config check` prints the fix. Files haven writes itself are tightened, not
 * warned about.
 */
public final class SecretFileModes {
    private SecretFileModes() {}

    /**
     * @param source     how problems name the config, as the loader does
     * @param configFile the file {@code yaml} was read from, or empty for a text that has no file yet
     * @param baseDir    where a relative key_file is read from, as the loader does
     */
    public static List<ConfigProblem> warnings(String source, Optional<Path> configFile, String yaml, Path baseDir) {
        List<ConfigProblem> found = new ArrayList<>();
        boolean fileOpen = configFile.flatMap(SecretFileModes::readableByOthers).isPresent();
        if (!fileOpen && !yaml.contains("key_file")) {
            return found; // nothing to warn about, and a large file is not parsed again for nothing
        }
        Optional<YamlNode> root = YamlReader.read(yaml, new Problems(source));
        Optional<YamlNode.Mapping> cluster = root.flatMap(r -> entry(r, "cluster")).filter(YamlNode.Mapping.class::isInstance)
                .map(YamlNode.Mapping.class::cast);
        if (cluster.isEmpty()) {
            return found;
        }
        Optional<YamlNode> inline = entry(cluster.get(), "key");
        if (inline.isPresent() && configFile.isPresent()) {
            readableByOthers(configFile.get()).ifPresent(who -> found.add(new ConfigProblem(source,
                    inline.get().place().line(), inline.get().place().column(),
                    "cluster.key is written in " + configFile.get() + ", which " + who,
                    "chmod 600 " + configFile.get() + " (or move the key to a key_file only root reads)")));
        }
        Optional<YamlNode> keyFile = entry(cluster.get(), "key_file");
        if (keyFile.isPresent() && keyFile.get() instanceof YamlNode.Scalar s && !s.isNull()) {
            Path resolved = baseDir.resolve(s.text());
            readableByOthers(resolved).ifPresent(who -> found.add(new ConfigProblem(source, s.place().line(),
                    s.place().column(), "cluster.key_file '" + resolved + "' " + who, "chmod 600 " + resolved)));
        }
        return found;
    }

    /** "is readable by its group and others (mode 0644)", or empty when only its owner may read it. */
    static Optional<String> readableByOthers(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty(); // missing or a device: the loader refuses it, a mode would be beside the point
        }
        Set<PosixFilePermission> perms;
        try {
            // The target's mode: a symbolic link's own mode says nothing.
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // not there (reported by the loader) or no POSIX modes to judge
        }
        boolean group = perms.contains(PosixFilePermission.GROUP_READ);
        boolean others = perms.contains(PosixFilePermission.OTHERS_READ);
        if (!group && !others) {
            return Optional.empty();
        }
        String who = group && others ? "its group and all users" : group ? "its group" : "all users";
        return Optional.of("is readable by " + who + " (" + PosixFilePermissions.toString(perms) + ")");
    }

    private static Optional<YamlNode> entry(YamlNode node, String key) {
        if (!(node instanceof YamlNode.Mapping m)) {
            return Optional.empty();
        }
        return m.entries().stream().filter(e -> e.key().equals(key)).map(YamlNode.Entry::value).findFirst();
    }
}
