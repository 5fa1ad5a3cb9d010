package org.mtrrledger.engine.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Unchecked failure of a {@link LedgerStore} operation.
 *
 * <p>RocksDB reports everything as a checked {@code RocksDBException} that callers cannot act on
 * locally (the engine's only recovery is to stop, or to rebuild the store from the log), so the store
 * wraps it once here. The message always names the store directory and the operation, because an
 * engine host may run several stores and "IO error: No space left on device" alone says neither which
 * one nor what it was doing.
 */
public final class StoreException extends RuntimeException {

    private final transient Path path;
    private final String operation;

    /**
     * @param path the store directory
     * @param operation what the store was doing, e.g. {@code "write"} or {@code "open PRIMARY"}
     * @param reason why it failed, in words
     * @param cause the underlying failure, may be null
     */
    public StoreException(Path path, String operation, String reason, Throwable cause) {
        super("RocksDB store " + path + ": " + operation + " failed: " + reason, cause);
        this.path = Objects.requireNonNull(path, "path");
        this.operation = Objects.requireNonNull(operation, "operation");
    }

    /** Same as {@link #StoreException(Path, String, String, Throwable)} without a cause. */
    public StoreException(Path path, String operation, String reason) {
        this(path, operation, reason, null);
    }

    /** The store directory the failing operation ran against. */
    public Path path() {
        return path;
    }

    /** The operation that failed, e.g. {@code "write"}. */
    public String operation() {
        return operation;
    }
}
