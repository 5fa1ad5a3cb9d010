package org.mtrrledger.engine.consume;

/** A record the engine cannot fold, with where it sits in the log. */
public final class PoisonRecordException extends RuntimeException {
    public PoisonRecordException(LogRecord r, String why) {
        super(r.ref() + ": " + why);
    }
}
