package haven.cts;

/** A step saw something other than what it expects; the message says what and where. */
public final class StepFailed extends RuntimeException {
    public StepFailed(String message) {
        super(message);
    }
}
