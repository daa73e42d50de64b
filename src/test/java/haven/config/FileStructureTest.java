package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.problems;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class FileStructureTest {

    @Test
    void yamlSyntaxErrorIsOneProblemAtItsPlace() {
        ConfigProblem p = onlyProblem("""
                cluster:
                  name: lab
                   key: "0123456789abcdef"
                nodes: [
                """, 3, 7, "YAML syntax error", "mapping values are not allowed");
        assertThat(p.hint()).contains("spaces");
    }

    @Test
    void unclosedQuoteNamesWhereTheQuoteStarted() {
        onlyProblem("cluster:\n  name: \"lab\n", 3, 1, "YAML syntax error", "quoted scalar", "line 2, column 9");
    }

    @Test
    void tabIndentationIsASyntaxError() {
        onlyProblem("cluster:\n\tname: lab\n", 2, 1, "YAML syntax error", "TAB");
    }

    @Test
    void unknownTopLevelKeySuggestsTheNearestSection() {
        ConfigProblem p = onlyProblem(HEAD + "resouces: []\n", 7, 1, "unknown key resouces");
        assertThat(p.hint()).contains("did you mean 'resources'");
    }

    @Test
    void unknownSectionKeySuggestsTheNearestKey() {
        ConfigProblem p = onlyProblem(HEAD + "timing:\n  hearbeat: 80ms\n", 8, 3, "unknown key timing.hearbeat");
        assertThat(p.hint()).contains("did you mean 'heartbeat'");
    }

    @Test
    void aKeyWrittenTwiceIsReportedAtTheSecond() {
        onlyProblem("""
                cluster:
                  name: lab
                  key: "0123456789abcdef"
                  name: lab2
                nodes:
                  - name: n1
                    address: 10.0.0.1
                """, 4, 3, "cluster.name is written twice", "line 2");
    }

    @Test
    void emptyFileIsOneProblem() {
        onlyProblem("# nothing yet\n", 1, 1, "empty");
    }

    @Test
    void aListAtTheTopIsRejected() {
        onlyProblem("- cluster\n", 1, 1, "must be a mapping");
    }

    @Test
    void aliasesAreRejected() {
        onlyProblem("""
                cluster:
                  name: &n lab
                  key: "0123456789abcdef"
                nodes:
                  - name: n1
                    address: 10.0.0.1
                resources:
                  - name: *n
                    type: ipaddr
                    params: { address: 10.0.0.100/24 }
                """, 8, 11, "aliases");
    }

    @Test
    void aSecondDocumentIsRejected() {
        onlyProblem(HEAD + "---\nnodes: []\n", 8, 1, "second YAML document");
    }

    @Test
    void everyProblemIsReportedInFileOrder() {
        List<ConfigProblem> all = problems("""
                cluster:
                  name: lab
                nodes:
                  - name: n1
                    address: 10.0.0.300
                resources:
                  - name: vip
                    type: ipadr
                """);
        assertThat(all).extracting(p -> p.line() + ":" + p.column())
                .containsExactly("1:1", "5:14", "8:11");
        assertThat(all.get(0).message()).contains("cluster.key");
        assertThat(all.get(1).message()).contains("nodes[n1].address");
        assertThat(all.get(2).message()).contains("resources[vip].type");
    }

    @Test
    void problemPrintsAsFileLineColumnThenHint() {
        ConfigProblem p = new ConfigProblem("/etc/haven/cluster.yaml", 3, 5, "cluster.key is too short", "make a longer one");
        assertThat(p).hasToString("/etc/haven/cluster.yaml:3:5: cluster.key is too short\n  hint: make a longer one");
        assertThat(new ConfigProblem("f.yaml", 0, 0, "cannot read", null)).hasToString("f.yaml: cannot read");
    }

    @Test
    void missingFileIsAWholeFileProblem() {
        ConfigException e = org.assertj.core.api.Assertions.catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.load(java.nio.file.Path.of("/nonexistent/haven.yaml")));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.hasPlace()).isFalse();
            assertThat(p.message()).contains("does not exist");
        });
    }
}
