package haven.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

/** Helpers for config tests: load a YAML text and look at the problems it has. */
final class Check {
    /** Lines 1-6: the smallest valid config (one node), for tests that add the part they exercise. */
    static final String HEAD = """
            cluster:
              name: lab
              key: "0123456789abcdef"
            nodes:
              - name: n1
                address: 10.0.0.1
            """;

    private Check() {}

    static List<ConfigProblem> problems(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "test.yaml"));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems();
    }

    /** The one problem of a config that must have exactly one, with its place and words of its message. */
    static ConfigProblem onlyProblem(String yaml, int line, int column, String... words) {
        List<ConfigProblem> problems = problems(yaml);
        assertThat(problems).as("problems of\n%s", yaml).hasSize(1);
        ConfigProblem p = problems.get(0);
        assertAt(p, line, column, words);
        return p;
    }

    static void assertAt(ConfigProblem p, int line, int column, String... words) {
        assertThat(p.source()).isEqualTo("test.yaml");
        assertThat(p.line() + ":" + p.column()).as("place of %s", p).isEqualTo(line + ":" + column);
        assertThat(p.message()).as("message").contains(words);
        assertThat(p.hint()).as("hint of %s", p).isNotBlank();
    }

    static ClusterConfig valid(String yaml) throws ConfigException {
        return ConfigLoader.parse(yaml, "test.yaml");
    }
}
