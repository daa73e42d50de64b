package haven.config;

import static haven.config.Check.HEAD;
import static haven.config.Check.onlyProblem;
import static haven.config.Check.valid;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertsSectionTest {
    @TempDir Path dir;

    private Path script(String perms) throws Exception {
        Path p = Files.createTempFile(dir, "hook", ".sh");
        Files.writeString(p, "#!/bin/sh\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        return p;
    }

    @Test
    void withoutTheSectionThereAreNoHooks() throws Exception {
        assertThat(valid(HEAD).alerts()).isEmpty();
    }

    @Test
    void everyKeyIsReadAndEventsDefaultToAll() throws Exception {
        Path s = script("rwx------");
        List<AlertHook> hooks = valid(HEAD + "alerts:\n  - name: page\n    script: " + s + "\n    events: [membership, fencing]\n"
                + "    timeout: 3s\n  - name: all\n    script: " + s + "\n").alerts();
        assertThat(hooks).containsExactly(new AlertHook("page", s, Set.of("membership", "fencing"), Duration.ofSeconds(3)),
                new AlertHook("all", s, Set.of(), Duration.ofSeconds(10)));
        assertThat(hooks.get(1).wants("quorum")).isTrue();
        assertThat(hooks.get(0).wants("quorum")).isFalse();
    }

    @Test
    void aMisspeltEventTypeIsRefusedWithTheNearestOne() throws Exception {
        Path s = script("rwx------");
        ConfigProblem p = onlyProblem(HEAD + "alerts:\n  - name: page\n    script: " + s + "\n    events: [membership, fenceing]\n",
                10, 26, "alerts[page].events 'fenceing' is not an event type");
        assertThat(p.hint()).startsWith("did you mean 'fencing'?");
        onlyProblem(HEAD + "alerts:\n  - name: page\n    script: " + s + "\n    events: [alert]\n", 10, 14,
                "an alert can follow (it would call itself)");
    }

    @Test
    void theScriptMustBeAnAbsolutePathToAnExecutableFile() throws Exception {
        onlyProblem(HEAD + "alerts:\n  - name: a\n    script: hooks/page.sh\n", 9, 13, "is not an absolute path");
        onlyProblem(HEAD + "alerts:\n  - name: a\n    script: " + dir.resolve("nope.sh") + "\n", 9, 13, "does not exist");
        Path notExec = script("rw-------");
        ConfigProblem p = onlyProblem(HEAD + "alerts:\n  - name: a\n    script: " + notExec + "\n", 9, 13, "is not executable");
        assertThat(p.hint()).isEqualTo("chmod +x " + notExec);
    }

    @Test
    void namesAreUniqueAndTimeoutsPositive() throws Exception {
        Path s = script("rwx------");
        onlyProblem(HEAD + "alerts:\n  - name: a\n    script: " + s + "\n  - name: a\n    script: " + s + "\n", 10, 11,
                "alerts[a].name 'a' is used twice (first at line 8)");
        onlyProblem(HEAD + "alerts:\n  - name: a\n    script: " + s + "\n    timeout: 0s\n", 10, 14, "must be longer than zero");
    }
}
