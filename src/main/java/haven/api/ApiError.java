package haven.api;

/**
 * A refused request: the HTTP status and a text that says why and how to fix it. Thrown by the routing and
 * control code, turned into a reply in one place ({@link ApiServer}).
 */
public final class ApiError extends RuntimeException {
    private final int code;

    public ApiError(int code, String message) {
        super(message);
        this.code = code;
    }

    public int code() {
        return code;
    }

    static ApiError notFound(String message) {
        return new ApiError(404, message);
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, message);
    }

    static ApiError conflict(String message) {
        return new ApiError(409, message);
    }
}
