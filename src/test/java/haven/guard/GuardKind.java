package haven.guard;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * The two guards a daemon may start, for tests that run the same scenario against both: the native haven-guard
 * (skipped, visibly, where no C compiler built it) and the Java {@link GuardMain} with the JVM options users get.
 */
enum GuardKind {
    NATIVE, JAVA;

    List<String> command(String... args) throws IOException {
        if (this == JAVA) return GuardCommand.javaCommand(List.of(args));
        Assumptions.assumeTrue(GuardCommand.nativeBinary().isPresent(), "the native guard was not built (no C compiler)");
        List<String> argv = new ArrayList<>(List.of(GuardCommand.nativeBinary().orElseThrow().toString()));
        argv.addAll(List.of(args));
        return argv;
    }
}
