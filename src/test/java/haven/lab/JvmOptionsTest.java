package haven.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher `haven` and the lab give haven's JVMs the same options: the real launcher is run with a stand-in
 * `java` that prints the arguments it was given, and they are compared with what the lab passes.
 */
class JvmOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void optionFilesAreWordsWithComments() {
        assertThat(JvmOptionsFile.parse("# why\n-Xms8m -Xmx128m   # sizes\n\n  -XX:+UseSerialGC\n-Xss512k"))
                .containsExactly("-Xms8m", "-Xmx128m", "-XX:+UseSerialGC", "-Xss512k");
        assertThat(JvmOptionsFile.parse("# only comments\n")).isEmpty();
    }

    @Test
    void launcherGivesDaemonsWhatTheLabGivesThem() throws Exception {
        assertThat(launcherJvmOptions("node", "--config", "x.yaml")).isEqualTo(JvmOptionsFile.read(HavenRuntime.optionsFile("daemon")));
        assertThat(launcherJvmOptions("witness")).isEqualTo(JvmOptionsFile.read(HavenRuntime.optionsFile("daemon")));
        assertThat(HavenRuntime.daemonOptions()).startsWith(JvmOptionsFile.read(HavenRuntime.optionsFile("daemon")).toArray(String[]::new));
    }

    @Test
    void launcherGivesShortCommandsTheCliOptionsAndSimTheJdkDefaults() throws Exception {
        assertThat(launcherJvmOptions("status")).isEqualTo(HavenRuntime.cliOptions());
        assertThat(launcherJvmOptions("node", "standby", "n1")).isEqualTo(HavenRuntime.cliOptions());
        assertThat(launcherJvmOptions("sim", "--seeds", "1")).isEmpty();
    }

    @Test
    void havenJavaOptsComeLastSoTheyWin() throws Exception {
        List<String> opts = launcherJvmOptions(List.of("HAVEN_JAVA_OPTS=-Xmx1g -XX:+UseG1GC -XX:-UseSerialGC"), "node");
        assertThat(opts).endsWith("-Xmx1g", "-XX:+UseG1GC", "-XX:-UseSerialGC");
    }

    @Test
    void theDaemonOptionsKeepTheFootprintSmall() {
        // The figures in docs/design.md were measured with these; a change must be measured again.
        assertThat(HavenRuntime.daemonOptions()).contains("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError")
                .anyMatch(o -> o.startsWith("-Xmx"));
    }

    private List<String> launcherJvmOptions(String... args) throws Exception {
        return launcherJvmOptions(List.of(), args);
    }

    /** The options the launcher puts before -cp, with a stand-in JDK 21 (no AOT cache) whose java prints its argv. */
    private List<String> launcherJvmOptions(List<String> env, String... args) throws Exception {
        Path jdk = tmp.resolve("jdk");
        Files.createDirectories(jdk.resolve("bin"));
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"21.0.1\"\n");
        Path java = jdk.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path home = HavenRuntime.optionsFile("daemon").getParent().getParent().getParent();
        List<String> cmd = new ArrayList<>(List.of("env", "HAVEN_JDK=" + jdk, "HAVEN_NO_BUILD=1"));
        cmd.addAll(env);
        cmd.add(home.resolve("haven").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> argv = out.lines().toList();
        return argv.subList(0, argv.indexOf("-cp"));
    }
}
