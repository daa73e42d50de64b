package haven.config;

import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSectionTest {
    private static final String NODES = "nodes:\n  - name: n1\n    address: 10.0.0.1\n";

    @Test
    void missingKeyIsOneProblemAtTheClusterSectionWithAWayToMakeOne() {
        ConfigProblem p = onlyProblem("cluster:\n  name: lab\n" + NODES, 1, 1, "cluster.key is missing");
        assertThat(p.hint()).contains("head -c 32 /dev/urandom | base64").contains("key_file");
    }

    @Test
    void missingClusterName() {
        onlyProblem("cluster:\n  key: \"0123456789abcdef\"\n" + NODES, 1, 1, "cluster.name is missing");
    }

    @Test
    void missingClusterSection() {
        onlyProblem(NODES, 1, 1, "'cluster' section is missing");
    }

    @Test
    void invalidClusterName() {
        onlyProblem("cluster:\n  name: my lab\n  key: \"0123456789abcdef\"\n" + NODES, 2, 9,
                "cluster.name 'my lab' is not a valid cluster name");
    }

    @Test
    void keyShorterThanSixteenBytes() {
        onlyProblem("cluster:\n  name: lab\n  key: short\n" + NODES, 3, 8, "cluster.key is too short", "5 bytes");
    }

    @Test
    void keyAndKeyFileTogether() {
        onlyProblem("cluster:\n  name: lab\n  key: \"0123456789abcdef\"\n  key_file: /etc/haven/key\n" + NODES,
                4, 3, "cluster.key and cluster.key_file are both set");
    }

    @Test
    void unreadableKeyFile(@TempDir Path dir) {
        ConfigProblem p = onlyProblem("cluster:\n  name: lab\n  key_file: " + dir.resolve("nokey") + "\n" + NODES,
                3, 13, "cluster.key_file", "does not exist");
        assertThat(p.hint()).contains("head -c 32 /dev/urandom");
    }

    @Test
    void keyFileIsReadAndTrimmedRelativeToTheConfigFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("key"), "  0123456789abcdefXYZ\n");
        Path config = dir.resolve("cluster.yaml");
        Files.writeString(config, "cluster:\n  name: lab\n  key_file: key\n" + NODES);
        ClusterConfig c = ConfigLoader.load(config);
        assertThat(new String(c.key(), StandardCharsets.UTF_8)).isEqualTo("0123456789abcdefXYZ");
    }

    @Test
    void keyFileTooShortAfterTrimming(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("key"), "0123456789\n\n");
        Path config = dir.resolve("cluster.yaml");
        Files.writeString(config, "cluster:\n  name: lab\n  key_file: key\n" + NODES);
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(config));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line() + ":" + p.column()).isEqualTo("3:13");
            assertThat(p.message()).contains("cluster.key_file", "too short", "10 bytes");
        });
    }

    @Test
    void keyBytesAreTheUtf8OfTheKey() throws Exception {
        ClusterConfig c = valid("cluster:\n  name: lab\n  key: \"schlüssel-0123456\"\n" + NODES);
        assertThat(c.key()).isEqualTo("schlüssel-0123456".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void portOutOfRange() {
        onlyProblem("cluster:\n  name: lab\n  key: \"0123456789abcdef\"\n  port: 70000\n" + NODES, 4, 9,
                "cluster.port 70000 is out of range 1..65535");
    }

    @Test
    void apiPortNotANumber() {
        onlyProblem("cluster:\n  name: lab\n  key: \"0123456789abcdef\"\n  api_port: http\n" + NODES, 4, 13,
                "cluster.api_port 'http' is not a whole number");
    }

    @Test
    void samePortForTransportAndApi() {
        onlyProblem("cluster:\n  name: lab\n  key: \"0123456789abcdef\"\n  port: 7000\n  api_port: 7000\n" + NODES,
                5, 13, "cluster.api_port 7000 is the same as cluster.port");
    }

    @Test
    void portsDefault() throws Exception {
        ClusterConfig c = valid("cluster:\n  name: lab\n  key: \"0123456789abcdef\"\n" + NODES);
        assertThat(c.port()).isEqualTo(7800);
        assertThat(c.apiPort()).isEqualTo(7480);
        assertThat(c.timing()).isEqualTo(Timing.DEFAULT);
        assertThat(c.policy()).isEqualTo(Policy.DEFAULT);
    }
}
