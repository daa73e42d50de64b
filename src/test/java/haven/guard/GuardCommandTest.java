package haven.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

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
    void anUnknownSettingIsRefusedWithWhatItMayBe() {
        System.setProperty(GuardCommand.PROPERTY, "fast");
        assertThatThrownBy(() -> GuardCommand.choose(ARGS)).isInstanceOf(IOException.class)
                .hasMessageContaining("'fast'").hasMessageContaining("auto, java, native");
    }
}
