package haven.guard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Which guard a daemon starts, and its command line. The native guard ({@code haven-guard}, built from src/main/c
 * beside the jar) does what {@link GuardMain} does in ~1 MB instead of a second JVM's ~38 MB; the Java guard is the
 * fallback where no C compiler built it. {@code -Dhaven.guard=} or {@code HAVEN_GUARD=} chooses: {@code auto} (the
 * default: native when present), {@code java} (the escape hatch, and for tests), {@code native} (refuse to start
 * without it).
 */
public final class GuardCommand {
    public static final String NATIVE_NAME = "haven-guard";
    public static final String PROPERTY = "haven.guard";
    public static final String ENV = "HAVEN_GUARD";

    public enum Kind { NATIVE, JAVA }

    /** The guard to start: its argv, and a few words for the daemon's log. */
    record Choice(Kind kind, List<String> argv, String description) {}

    private GuardCommand() {}

    /** {@code args}: DAEMON_PID HANG_LIMIT_MS NODE [WATCHDOG_DEVICE]. IOException when the setting cannot be met. */
    static Choice choose(List<String> args) throws IOException {
        String setting = setting();
        Optional<Path> nativeGuard = nativeBinary();
        switch (setting) {
            case "auto", "native" -> {
                Optional<String> broken = nativeGuard.flatMap(GuardCommand::probe);
                if (nativeGuard.isPresent() && broken.isEmpty()) {
                    List<String> argv = new ArrayList<>(List.of(nativeGuard.get().toString()));
                    argv.addAll(args);
                    return new Choice(Kind.NATIVE, argv, "the native guard " + nativeGuard.get());
                }
                String why = broken.map(b -> "the native " + nativeGuard.get() + " does not run here: " + b)
                        .orElse("no native " + NATIVE_NAME + " at " + expectedPath());
                if (setting.equals("native")) {
                    throw new IOException(PROPERTY + "=native, but " + why + ": build it (mvn package with gcc installed:"
                            + " scripts/install-deps) or set " + ENV + "=auto");
                }
                return new Choice(Kind.JAVA, javaCommand(args), "the Java guard (" + why + ")");
            }
            case "java" -> {
                return new Choice(Kind.JAVA, javaCommand(args), "the Java guard (" + ENV + "/-D" + PROPERTY + " = java)");
            }
            default -> throw new IOException("guard setting '" + setting + "' (from -D" + PROPERTY + " or " + ENV
                    + ") is not one of auto, java, native");
        }
    }

    /** The Java guard: a small JVM (see {@link GuardLink#JVM_OPTIONS}) running {@link GuardMain}. */
    public static List<String> javaCommand(List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElseThrow(() -> new IOException("cannot tell which java runs this daemon, so the guard cannot be started"));
        List<String> argv = new ArrayList<>(List.of(java));
        argv.addAll(GuardLink.JVM_OPTIONS);
        argv.addAll(List.of("-cp", System.getProperty("java.class.path"), GuardMain.class.getName()));
        argv.addAll(args);
        return argv;
    }

    /** The native guard beside the jar (or beside the classes folder, in a build tree), when built and executable. */
    public static Optional<Path> nativeBinary() {
        return expectedPathOrEmpty().filter(p -> Files.isRegularFile(p) && Files.isExecutable(p));
    }

    /**
     * Runs {@code binary --version} once per JVM: a program built for another machine (another libc, another
     * architecture) would only fail after its exec, in the child, and the daemon would restart it until it gave the
     * guard up. Empty when it answered as the guard this daemon speaks to; else what went wrong.
     */
    static Optional<String> probe(Path binary) {
        return PROBED.computeIfAbsent(binary, GuardCommand::runProbe);
    }

    private static final java.util.concurrent.ConcurrentHashMap<Path, Optional<String>> PROBED = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String EXPECTED_VERSION = NATIVE_NAME + " 1";

    private static Optional<String> runProbe(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "--version").redirectErrorStream(true).start();
            p.getOutputStream().close();
            if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("'--version' did not answer within 5 s");
            }
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.exitValue() == 0 && out.equals(EXPECTED_VERSION)) return Optional.empty();
            return Optional.of("'--version' exited with " + p.exitValue() + " saying '" + out + "', not '" + EXPECTED_VERSION + "'");
        } catch (IOException e) {
            return Optional.of(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    private static String setting() {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) v = System.getenv(ENV);
        return v == null || v.isBlank() ? "auto" : v.strip().toLowerCase(Locale.ROOT);
    }

    private static String expectedPath() {
        return expectedPathOrEmpty().map(Path::toString).orElse("(the jar's folder, which cannot be told)");
    }

    private static Optional<Path> expectedPathOrEmpty() {
        return haven.core.BesideJar.path(NATIVE_NAME);
    }
}
