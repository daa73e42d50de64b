package haven.lab;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to start more haven JVMs (node daemons, the prober) from this one: the same JDK and the same code.
 * The JDK is HAVEN_JDK (exported by the launcher) or this JVM's java.home. The code is the jar this class
 * was loaded from with its lib/ folder beside it, so the lab works from target/ and from any build folder;
 * failing that (classes folders, as in tests), this JVM's own class path.
 */
public record HavenRuntime(Path java, String classPath) {

    public static HavenRuntime current() {
        String jdk = Optional.ofNullable(System.getenv("HAVEN_JDK")).filter(s -> !s.isBlank())
                .orElse(System.getProperty("java.home"));
        Path java = Path.of(jdk, "bin", "java");
        if (!Files.isExecutable(java)) {
            java = Path.of(System.getProperty("java.home"), "bin", "java");
        }
        return new HavenRuntime(java, findClassPath());
    }

    private static String findClassPath() {
        try {
            Path here = Path.of(HavenRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (here.toString().endsWith(".jar") && Files.isRegularFile(here)) {
                return here + File.pathSeparator + here.resolveSibling("lib") + File.separator + "*";
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        String home = System.getenv("HAVEN_HOME");
        if (home != null && Files.isRegularFile(Path.of(home, "target", "haven.jar"))) {
            return Path.of(home, "target", "haven.jar") + File.pathSeparator + Path.of(home, "target", "lib") + "/*";
        }
        return System.getProperty("java.class.path");
    }

    public List<String> javaCommand(List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /**
     * JVM options for a node daemon: the launcher's own (conf/jvm/daemon.options), so a lab node runs as a user's
     * does, plus any in HAVEN_LAB_JAVA_OPTS (for experiments; later options win).
     */
    public static List<String> daemonOptions() {
        List<String> opts = new ArrayList<>(JvmOptionsFile.read(optionsFile("daemon")));
        String extra = System.getenv("HAVEN_LAB_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            opts.addAll(List.of(extra.trim().split("\\s+")));
        }
        return opts;
    }

    /** JVM options of a short command (`haven status`), as the launcher gives them (conf/jvm/cli.options). */
    public static List<String> cliOptions() {
        return JvmOptionsFile.read(optionsFile("cli"));
    }

    /** The lab's own probes and attackers: not what a user runs, only small. */
    public static List<String> proberOptions() {
        return List.of("-Xms8m", "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k");
    }

    /**
     * conf/jvm/ROLE.options of the source tree or installation this code runs from: HAVEN_HOME (the launcher exports
     * it), else the folder above the jar's or classes' build folder (target/), else the working directory (a test).
     */
    static Path optionsFile(String role) {
        Path relative = Path.of("conf", "jvm", role + ".options");
        List<Path> homes = new ArrayList<>();
        Optional.ofNullable(System.getenv("HAVEN_HOME")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(homes::add);
        try {
            Path here = Path.of(HavenRuntime.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = here.getParent(); p != null && homes.size() < 5; p = p.getParent()) homes.add(p);
        } catch (URISyntaxException | RuntimeException e) {
            // no code location: the other places still count
        }
        homes.add(Path.of(System.getProperty("user.dir")));
        for (Path home : homes) {
            if (Files.isRegularFile(home.resolve(relative))) return home.resolve(relative);
        }
        throw new LabException("cannot find " + relative + " (the JVM options the launcher gives haven's JVMs) under "
                + homes + ": set HAVEN_HOME to the haven source tree or installation");
    }
}
