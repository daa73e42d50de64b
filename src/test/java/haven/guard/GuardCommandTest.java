package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which guard a daemon starts: the native one where it was built, the Java one when asked or where it was not. */
class GuardCommandTest {
    private static final List<String> ARGS = List.of("4242", "5000", "n1");

    @AfterEach
    void reset() {
        System.clearProperty(GuardCommand.PROPERTY);
    }

    @Test
    void theNativeGuardIsTheDefaultWhereItWasBuilt() throws IOException {
        Assumptions.assumeTrue(GuardCommand.nativeBinary().isPresent(), "the native guard was not built (no C compiler)");
        GuardCommand.Choice c = GuardCommand.choose(ARGS);
        assertThat(c.kind()).isEqualTo(GuardCommand.Kind.NATIVE);
        assertThat(c.argv()).endsWith("4242", "5000", "n1").first().asString().endsWith("/haven-guard");
        assertThat(c.argv().get(0)).isEqualTo(GuardCommand.nativeBinary().orElseThrow().toString());
    }

    @Test
    void javaForcesTheJavaGuardWithItsSmallJvm() throws IOException {
        System.setProperty(GuardCommand.PROPERTY, "java");
        GuardCommand.Choice c = GuardCommand.choose(ARGS);
        assertThat(c.kind()).isEqualTo(GuardCommand.Kind.JAVA);
        assertThat(c.argv()).containsSequence(GuardLink.JVM_OPTIONS).contains(GuardMain.class.getName()).endsWith("4242", "5000", "n1");
        assertThat(c.description()).contains("java");
    }

    @Test
    void theBuiltNativeGuardAnswersItsProbe() {
        Assumptions.assumeTrue(GuardCommand.nativeBinary().isPresent(), "the native guard was not built (no C compiler)");
        assertThat(GuardCommand.probe(GuardCommand.nativeBinary().orElseThrow())).isEmpty();
    }

    /** As a binary built against another libc fails: after the exec, with the loader's message and status 127. */
    @Test
    void aProgramThatDoesNotRunHereFailsTheProbeWithWhatItSaid(@TempDir Path dir) throws IOException {
        Path fake = dir.resolve("haven-guard");
        Files.writeString(fake, "#!/bin/sh\necho 'version GLIBC_9.99 not found' >&2\nexit 127\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(GuardCommand.probe(fake)).hasValueSatisfying(why -> assertThat(why).contains("127").contains("GLIBC_9.99"));
        assertThat(GuardCommand.probe(dir.resolve("missing"))).isPresent();
    }

    @Test
    void anUnknownSettingIsRefusedWithWhatItMayBe() {
        System.setProperty(GuardCommand.PROPERTY, "fast");
        assertThatThrownBy(() -> GuardCommand.choose(ARGS)).isInstanceOf(IOException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("auto, java, native");
    }
}
