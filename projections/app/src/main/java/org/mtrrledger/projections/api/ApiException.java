package org.mtrrledger.projections.api;

/** An HTTP error answered as {@code {"error": message, "parameter": name}} (parameter omitted when null). */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String parameter;

    public ApiException(int status, String message, String parameter) {
        super(message);
        this.status = status;
        this.parameter = parameter;
    }

    public static ApiException badParameter(String parameter, String message) {
        return new ApiException(400, parameter + ": " + message, parameter);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message, null);
    }

    public int status() {
        return status;
    }

    public String parameter() {
        return parameter;
    }
}
