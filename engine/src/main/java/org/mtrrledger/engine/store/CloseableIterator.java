package org.mtrrledger.engine.store;

import java.util.Iterator;

/**
 * An iterator over a native RocksDB iterator. It pins memtables and SST blocks until closed, so
 * always use it in try-with-resources; it also releases itself once exhausted. Not thread-safe:
 * use one iterator from one thread.
 */
interface CloseableIterator<T> extends Iterator<T>, AutoCloseable {

    /** Releases the native iterator. Idempotent; never throws. */
    @Override
    void close();
}
