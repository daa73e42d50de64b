package haven.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigAppenderTest {
    private static final ConfigAppender.Addition DB = new ConfigAppender.Addition(List.of("db-ip", "db-server"),
            List.of("- name: db-ip\n  type: ipaddr\n  params: { address: 10.0.0.100/24 }\n",
                    "- name: db-server\n  type: process\n  params: { command: \"sleep 1000\" }\n"),
            "db", "- name: db\n  members: [db-ip, db-server]\n");

    private static final String FILE = Check.HEAD + """
            # our web site, do not touch
            resources:
                # the address
                -   name: vip   # moves with the group
                    type: ipaddr
                    params: { address: "10.0.0.50/24" }
                # trailing note about vip

            # groups follow
            groups:
              - name: web
                members: [vip]   # just the address
            # end of file
            """;

    private static String append(String yaml, ConfigAppender.Addition add) throws ConfigException {
        return ConfigAppender.append(yaml, "test.yaml", Path.of(""), add);
    }

    @Test
    void theUsersCommentsOrderAndIndentationStayAsWritten() throws Exception {
        String after = append(FILE, DB);
        for (String line : FILE.split("\n")) {
            assertThat(after).contains(line);
        }
        // The new items use the list's own indentation and sit inside their section, before the next one.
        assertThat(after).contains("    -   name: vip   # moves with the group\n")
                .contains("    - name: db-ip\n      type: ipaddr\n")
                .contains("  - name: db\n    members: [db-ip, db-server]\n# end of file\n");
        assertThat(after.indexOf("- name: db-server")).isLessThan(after.indexOf("# groups follow"));
        ClusterConfig config = ConfigLoader.parse(after, "test.yaml");
        assertThat(config.toString()).contains("db-server").contains("web");
    }

    @Test
    void aFileWithCrlfLineEndsKeepsThem() throws Exception {
        String crlf = FILE.replace("\n", "\r\n");
        String after = append(crlf, DB);
        assertThat(after.replace("\r\n", "")).doesNotContain("\n");
        assertThat(after).contains("    - name: db-ip\r\n").endsWith("# end of file\r\n");
    }

    @Test
    void missingSectionsAreAddedAtTheEnd() throws Exception {
        String after = append(Check.HEAD, DB);
        assertThat(after).startsWith(Check.HEAD)
                .contains("resources:\n  - name: db-ip\n").contains("groups:\n  - name: db\n");
        ConfigLoader.parse(after, "test.yaml");
    }

    @Test
    void aTakenResourceNameIsRefusedAtTheExistingEntry() {
        var taken = new ConfigAppender.Addition(List.of("vip"), List.of("- name: vip\n  type: ipaddr\n  params: { address: 10.0.0.9/24 }\n"),
                "other", "- name: other\n  members: [vip]\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> append(FILE, taken));
        assertThat(e.problems()).hasSize(1);
        assertThat(e.problems().get(0).line()).isEqualTo(10);
        assertThat(e.problems().get(0).message()).contains("resource named 'vip' exists already");
        assertThat(e.problems().get(0).hint()).contains("choose another NAME");
    }

    @Test
    void aTakenGroupNameIsRefusedAtTheExistingEntry() {
        var taken = new ConfigAppender.Addition(List.of("x"), List.of("- name: x\n  type: ipaddr\n  params: { address: 10.0.0.9/24 }\n"),
                "web", "- name: web\n  members: [x]\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> append(FILE, taken));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(17);
            assertThat(p.message()).contains("group named 'web' exists already");
        });
    }

    @Test
    void aFileThatDoesNotParseIsRefusedWithItsPlace() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> append(Check.HEAD + "resources: [\n  - name: x\n", DB));
        assertThat(e.problems()).isNotEmpty();
        assertThat(e.problems().get(0).line()).isPositive();
    }

    @Test
    void aResultTheLoaderRejectsIsRefused() {
        var bad = new ConfigAppender.Addition(List.of("db-ip"), List.of("- name: db-ip\n  type: ipaddr\n  params: { address: 10.0.0.300/24 }\n"),
                "db", "- name: db\n  members: [db-ip]\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> append(FILE, bad));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.source()).contains("with the new entries");
            assertThat(p.message()).contains("above 255");
        });
    }

    @Test
    void aSectionWrittenOnOneLineIsRefusedRatherThanRewritten() {
        String flow = Check.HEAD + "resources: [{ name: a, type: ipaddr, params: { address: 10.0.0.7/24 } }]\n";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> append(flow, DB));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.message()).contains("written on one line");
            assertThat(p.hint()).contains("block list");
        });
    }

    @Test
    void haresourcesFilesAreRefused() {
        String short_ = Check.HEAD + "haresources:\n  - \"n1 ipaddr:10.0.0.5/24\"\n";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> append(short_, DB));
        assertThat(e.problems()).first().satisfies(p -> assertThat(p.message()).contains("haresources"));
    }
}
