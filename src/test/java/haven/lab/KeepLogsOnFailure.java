package haven.lab;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Copies a lab's daemon logs out of it when a test fails, before the lab is torn down (which deletes them):
 * a lab failure is usually a timing one, seen once in many runs, and the last lines in the message are
 * rarely enough to tell what happened.
 */
final class KeepLogsOnFailure implements TestWatcher {
    static final Path ROOT = Path.of("/tmp/haven-lab-failures");
    private final String prefix;

    KeepLogsOnFailure(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Path target = ROOT.resolve(prefix + "-" + context.getRequiredTestMethod().getName() + "-" + System.currentTimeMillis());
        try {
            LabState.find(prefix).ifPresent(s -> s.copyLogs(target));
            System.err.println("lab logs of the failed test kept in " + target);
        } catch (RuntimeException e) {
            System.err.println("could not keep the lab logs: " + e.getMessage());
        }
    }
}
