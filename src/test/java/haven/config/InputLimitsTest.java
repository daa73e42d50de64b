package haven.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config, or a key file, too large or of the wrong kind is refused before it is parsed or read whole. */
class InputLimitsTest {
    private static final String HEAD = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - { name: n1, address: 10.0.0.1 }
            """;

    @Test
    void aFileOverTheLimitIsRefusedBeforeItIsReadNamingFileSizeLimitAndFix(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(50L * 1024 * 1024); // sparse: 50 MB that cost nothing to write
        }
        long start = System.nanoTime();
        ConfigProblem p = onlyProblem(() -> ConfigLoader.load(big));
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms to refuse (reading it would take far longer, or forever)").isLessThan(5000);
        assertThat(p.source()).isEqualTo(big.toString());
        assertThat(p.message()).contains("52428800 bytes (50.0 MiB)", "over the limit of 33554432 bytes (32.0 MiB)");
        assertThat(p.hint()).contains("right file");
    }

    @Test
    void fiftyThousandGroupsFitUnderTheLimits() {
        StringBuilder y = new StringBuilder(HEAD).append("resources:\n");
        for (int g = 0; g < 50_000; g++) {
            y.append("  - name: site").append(g).append("\n    type: process\n    params: { command: \"sleep infinity ")
                    .append(g).append("\" }\n");
        }
        y.append("groups:\n");
        for (int g = 0; g < 50_000; g++) {
            y.append("  - { name: g").append(g).append(", members: [site").append(g).append("], prefer: n1 }\n");
        }
        assertThat(y.length()).isBetween(6_000_000, YamlLimits.MAX_FILE_BYTES / 4);
        Problems problems = new Problems("big.yaml");
        assertThat(YamlReader.withinLimits(y.toString(), problems)).isTrue();
        assertThat(problems.isEmpty()).isTrue();
    }

    @Test
    void oneLongTokenIsRefusedAtItsLineInsteadOfParsedInQuadraticTime() {
        String yaml = HEAD.replace("0123456789abcdef", "k".repeat(8 * 1024 * 1024));
        // CPU time of this thread, not wall time: a loaded machine stretches the latter. Quadratic parsing of an
        // 8 MiB token costs minutes of CPU; the line check costs milliseconds.
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        ConfigProblem p = onlyProblem(() -> ConfigLoader.parse(yaml, "long.yaml"));
        assertThat((threads.getCurrentThreadCpuTime() - cpuStart) / 1_000_000).as("CPU ms to refuse").isLessThan(3000);
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.column()).isEqualTo(YamlLimits.MAX_LINE_CHARS + 1);
        assertThat(p.message()).contains("line 3 is 8388617 characters long", "limit of 16384");
    }

    @Test
    void aValueFoldedOverManyLinesIsRefusedAtItsPlace() {
        String folded = "    " + "word ".repeat(2000) + "\n";
        String yaml = HEAD.replace("key: \"0123456789abcdef\"", "key: >\n" + folded.repeat(10));
        ConfigProblem p = onlyProblem(() -> ConfigLoader.parse(yaml, "folded.yaml"));
        assertThat(p.line()).isEqualTo(3);
        assertThat(p.message()).contains("over the limit of 65536 for one value");
    }

    @Test
    void nestingDeeperThanAnyConfigIsRefusedAtItsPlace() {
        String yaml = HEAD + "alerts: " + "[".repeat(40) + "]".repeat(40) + "\n";
        ConfigProblem p = onlyProblem(() -> ConfigLoader.parse(yaml, "deep.yaml"));
        assertThat(p.line()).isEqualTo(6);
        assertThat(p.message()).contains("nests deeper than 20 levels");
    }

    @Test
    void aKeyFileThatIsADeviceIsRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("key"), Path.of("/dev/zero"));
        for (String path : List.of("/dev/zero", link.toString())) {
            long start = System.nanoTime();
            ConfigProblem p = onlyProblem(() -> ConfigLoader.parse(HEAD.replace("key: \"0123456789abcdef\"",
                    "key_file: " + path), "dev.yaml", dir));
            assertThat((System.nanoTime() - start) / 1_000_000).as("ms to refuse (reading it would take far longer, or forever)").isLessThan(5000);
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.column()).isEqualTo(13);
            assertThat(p.message()).contains("is not a regular file");
            assertThat(p.hint()).contains("chmod 600");
        }
    }

    @Test
    void aKeyFileLargerThanAKeyIsRefused(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "x".repeat(5000));
        ConfigProblem p = onlyProblem(() -> ConfigLoader.parse(HEAD.replace("key: \"0123456789abcdef\"",
                "key_file: " + key), "big-key.yaml", dir));
        assertThat(p.message()).contains("5000 bytes, more than a key file's 4096");
    }

    @Test
    void aKeyOthersCanReadIsAWarningWithTheChmodThatFixesIt(@TempDir Path dir) throws Exception {
        Path key = Files.writeString(dir.resolve("key"), "0123456789abcdef0123\n");
        String yaml = HEAD.replace("key: \"0123456789abcdef\"", "key_file: key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        List<ConfigProblem> found = SecretFileModes.warnings("c.yaml", java.util.Optional.empty(), yaml, dir);
        assertThat(found).singleElement().satisfies(w -> {
            assertThat(w.line()).isEqualTo(3);
            assertThat(w.column()).isEqualTo(13);
            assertThat(w.message()).contains("readable by its group and all users");
            assertThat(w.hint()).isEqualTo("chmod 600 " + key);
        });
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretFileModes.warnings("c.yaml", java.util.Optional.empty(), yaml, dir)).isEmpty();

        Path config = Files.writeString(dir.resolve("c.yaml"), HEAD);
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(SecretFileModes.warnings("c.yaml", java.util.Optional.of(config), HEAD, dir)).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("cluster.key is written in", "readable by its group"))
                .satisfies(w -> assertThat(w.hint()).startsWith("chmod 600 " + config));
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertThat(SecretFileModes.warnings("c.yaml", java.util.Optional.of(config), HEAD, dir)).isEmpty();
    }

    private interface Load {
        ClusterConfig run() throws ConfigException;
    }

    private static ConfigProblem onlyProblem(Load load) {
        try {
            load.run();
        } catch (ConfigException e) {
            assertThat(e.problems()).hasSize(1);
            return e.problems().get(0);
        }
        throw new AssertionError("accepted");
    }

    @Test
    void aGoodKeyFileStillLoads(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("key"), "0123456789abcdef0123\n");
        assertThat(ConfigLoader.parse(HEAD.replace("key: \"0123456789abcdef\"", "key_file: key"), "ok.yaml", dir).key())
                .hasSize(20);
    }
}
