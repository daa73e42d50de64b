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

    /** A small JVM: lab JVMs share one machine, and the daemon is meant to be light. */
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

    /** JVM options for a node daemon, plus any in HAVEN_LAB_JAVA_OPTS (for experiments). */
    public static List<String> daemonOptions() {
        List<String> opts = new ArrayList<>(List.of("-Xms16m", "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k"));
        String extra = System.getenv("HAVEN_LAB_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            opts.addAll(List.of(extra.trim().split("\\s+")));
        }
        return opts;
    }

    public static List<String> proberOptions() {
        return List.of("-Xms8m", "-Xmx32m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss256k");
    }
}
