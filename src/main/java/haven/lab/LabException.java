package haven.lab;

/** A lab operation that could not be done; the message says what failed and, where possible, what to do. */
public final class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
