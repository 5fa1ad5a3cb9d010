package org.mtrrledger.engine.store;

/**
 * A value read from the store that does not decode: a damaged store. The store is derived from the log, so the
 * message says how to repair it.
 */
public final class CorruptValueException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** What to do about a damaged store, for every message that reports one. */
    public static final String REBUILD = "rebuild it with `mtrr rebuild` (the store is derived from the log)";

    public CorruptValueException(String what, Throwable cause) {
        super("corrupt " + what + " in the store (" + cause + "): " + REBUILD, cause);
    }
}
