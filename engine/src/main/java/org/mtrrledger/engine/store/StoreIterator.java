package org.mtrrledger.engine.store;

import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * A {@link LedgerStore} scan: a bounded native iterator with the read options and bound slices it needs, all released
 * when it is exhausted or closed, and by the store on close (it tracks the open ones). Every native call runs under the
 * store's lifecycle guard; see {@link CloseableIterator}.
 */
final class StoreIterator implements CloseableIterator<Entry> {
    private final LedgerStore store;
    private final Column column;
    private final boolean reverse;
    private final Slice lower;
    private final Slice upper;
    private final ReadOptions options;
    private final RocksIterator it;
    private final AtomicBoolean released = new AtomicBoolean();
    private boolean exhausted;

    /** All natives null means an empty range: nothing to release. */
    StoreIterator(LedgerStore store, Column column, boolean reverse, Slice lower, Slice upper, ReadOptions options,
            RocksIterator it) {
        this.store = store;
        this.column = column;
        this.reverse = reverse;
        this.lower = lower;
        this.upper = upper;
        this.options = options;
        this.it = it;
        this.exhausted = it == null;
    }

    @Override
    public boolean hasNext() {
        if (exhausted) {
            return false;
        }
        return store.guarded("iterate", column, () -> {
            requireLive();
            if (it.isValid()) {
                return true;
            }
            it.status();
            exhausted = true;
            releaseNatives();
            store.untrack(this);
            return false;
        });
    }

    @Override
    public Entry next() {
        if (!hasNext()) {
            throw exhaustedError();
        }
        return store.guarded("iterate", column, () -> {
            requireLive();
            Entry e = new Entry(it.key(), it.value());
            advance();
            return e;
        });
    }

    @Override
    public byte[] peekKey() {
        if (!hasNext()) {
            return null;
        }
        return store.guarded("iterate", column, () -> {
            requireLive();
            return it.key();
        });
    }

    @Override
    public byte[] peekValue() {
        if (!hasNext()) {
            throw exhaustedError();
        }
        return store.guarded("iterate", column, () -> {
            requireLive();
            return it.value();
        });
    }

    @Override
    public void skip() {
        if (!hasNext()) {
            throw exhaustedError();
        }
        store.guarded("iterate", column, () -> {
            requireLive();
            advance();
            return null;
        });
    }

    private NoSuchElementException exhaustedError() {
        return new NoSuchElementException("scan of " + column + " in " + store.path() + " is exhausted");
    }

    /** One native step in the scan's direction; under the guard, on a live iterator. */
    private void advance() {
        store.reads().step();
        if (reverse) {
            it.prev();
        } else {
            it.next();
        }
    }

    @Override
    public void seek(byte[] key) {
        if (reverse) {
            throw new UnsupportedOperationException("seek on a reverse scan of " + column);
        }
        if (exhausted) {
            return;
        }
        store.guarded("seek", column, () -> {
            requireLive();
            store.reads().seek();
            it.seek(key);
            return null;
        });
    }

    @Override
    public void close() {
        store.release(this, this::releaseNatives);
    }

    private void requireLive() {
        if (released.get()) {
            throw new StoreException(store.path(), "iterate " + column, "iterator is closed");
        }
    }

    private void releaseNatives() {
        if (it != null && released.compareAndSet(false, true)) {
            it.close();
            options.close();
            if (upper != null) {
                upper.close();
            }
            if (lower != null) {
                lower.close();
            }
        }
    }
}
