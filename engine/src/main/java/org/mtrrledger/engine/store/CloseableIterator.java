package org.mtrrledger.engine.store;

import java.util.Iterator;

/**
 * An iterator over a native RocksDB iterator. It pins memtables and SST blocks until closed, so
 * always use it in try-with-resources; it also releases itself once exhausted. Not thread-safe:
 * use one iterator from one thread.
 */
interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {

    /**
     * Moves to the first entry at or after {@code key} within the scan's bounds: a native seek, for a reader that
     * skips far ahead (a short skip is cheaper as a few {@link #skip()} steps). A key before the current entry moves
     * back, one before the scan's lower bound lands on the bound. Forward scans only (a reverse scan refuses it);
     * once the scan is exhausted it stays so.
     */
    void seek(byte[] key);

    /** The key {@link #next()} would return, without moving or copying the value; null once exhausted. */
    byte[] peekKey();

    /** The value {@link #next()} would return, without moving. Only while {@link #hasNext()}. */
    byte[] peekValue();

    /** Moves past the entry {@link #next()} would return without copying it. Only while {@link #hasNext()}. */
    void skip();

    /** Releases the native iterator. Idempotent; never throws. */
    @Override
    void close();
}
