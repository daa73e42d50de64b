package haven.services;

/** Input that cannot make a service, with the fix. */
public final class ServiceException extends Exception {
    private final String hint;

    public ServiceException(String message, String hint) {
        super(message);
        this.hint = hint;
    }

    public String hint() {
        return hint;
    }
}
