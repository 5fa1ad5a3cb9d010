package org.mtrrledger.projections.cli;

/** A failure the user can act on: printed as one line, exit code 1. */
public final class CliFailure extends RuntimeException {
    public CliFailure(String message) {
        super(message);
    }

    public CliFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
