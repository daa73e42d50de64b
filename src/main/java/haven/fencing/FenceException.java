package haven.fencing;

/** A fencing problem a person can act on: the message names the agent or device and the fix. */
public final class FenceException extends RuntimeException {
    public FenceException(String message) {
        super(message);
    }

    public FenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
