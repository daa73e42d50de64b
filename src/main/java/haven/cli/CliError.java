package haven.cli;

/** A failure the user can act on: printed as one line, exit code 1, no stack trace. */
final class CliError extends RuntimeException {
    CliError(String message) {
        super(message);
    }
}
