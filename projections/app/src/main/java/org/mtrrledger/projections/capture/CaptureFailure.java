package org.mtrrledger.projections.capture;

/** A capture that cannot go on, with a message that says what to do about it. */
public final class CaptureFailure extends RuntimeException {
    public CaptureFailure(String message) {
        super(message);
    }
}
