package haven.client;

/** The API refused or failed a call; {@code status} is the HTTP status (0 when no answer came), the message the API's reason. */
public class HavenException extends RuntimeException {
    private final int status;

    public HavenException(int status, String message) {
        super(message);
        this.status = status;
    }

    public HavenException(String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
    }

    public int status() {
        return status;
    }
}
