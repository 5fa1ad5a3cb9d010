package org.mtrrledger.engine.store;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.WriteBatch;

/**
 * A set of writes applied atomically by {@link LedgerStore#write(Batch)}: either all of them become
 * visible (and durable, per the store's {@link Durability}) or none. This is how the engine commits a
 * consumer offset together with the state folded up to it.
 *
 * <p>Owns a native {@code WriteBatch} (its size is native memory, not heap): close it, ideally with
 * try-with-resources. Closing without writing discards the writes. A batch may be written more than
 * once. Not thread-safe: build a batch on one thread. Only valid on the store that created it; the
 * store closes any batch still open when the store itself closes.
 */
public final class Batch implements AutoCloseable {

    private final LedgerStore store;
    private final WriteBatch batch;
    private final AtomicBoolean released = new AtomicBoolean();

    Batch(LedgerStore store, WriteBatch batch) {
        this.store = store;
        this.batch = batch;
    }

    /** Adds a put of {@code value} under {@code key} in column {@code c}. */
    public Batch put(Column c, byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        store.guarded("batch put", c, () -> {
            live("batch put", c).put(store.handle(c), key, value);
            return null;
        });
        return this;
    }

    /** Adds a put of {@code value} as 8 bytes big-endian ({@link Values#ofLong}). */
    public Batch putLong(Column c, byte[] key, long value) {
        return put(c, key, Values.ofLong(value));
    }

    /** Adds a delete of {@code key} in column {@code c}. */
    public Batch delete(Column c, byte[] key) {
        Objects.requireNonNull(key, "key");
        store.guarded("batch delete", c, () -> {
            live("batch delete", c).delete(store.handle(c), key);
            return null;
        });
        return this;
    }

    /**
     * Adds a delete of every key in {@code [from, toExclusive)} of column {@code c}, as one range
     * tombstone (cheap to write regardless of how many keys it covers). An empty range is a no-op.
     *
     * @throws IllegalArgumentException if {@code from > toExclusive}
     */
    public Batch deleteRange(Column c, byte[] from, byte[] toExclusive) {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(toExclusive, "toExclusive");
        int cmp = Arrays.compareUnsigned(from, toExclusive);
        if (cmp > 0) {
            throw new IllegalArgumentException("deleteRange on " + c + ": from " + Keys.hex(from)
                    + " is after toExclusive " + Keys.hex(toExclusive));
        }
        if (cmp == 0) {
            return this;
        }
        store.guarded("batch deleteRange", c, () -> {
            live("batch deleteRange", c).deleteRange(store.handle(c), from, toExclusive);
            return null;
        });
        return this;
    }

    /** Number of operations added so far. */
    public int count() {
        return store.guarded("batch count", null, () -> live("batch count", null).count());
    }

    /** Size of the serialized batch in bytes (what the WAL write will be, roughly). */
    public long sizeInBytes() {
        return store.guarded("batch size", null, () -> live("batch size", null).getDataSize());
    }

    /** Releases the native batch; unwritten operations are discarded. Idempotent. */
    @Override
    public void close() {
        store.release(this, () -> {
            if (released.compareAndSet(false, true)) {
                batch.close();
            }
        });
    }

    boolean ownedBy(LedgerStore s) {
        return store == s;
    }

    /** The native batch, if not yet closed. Call only under the store's guard. */
    WriteBatch live(String operation, Column c) {
        if (released.get()) {
            throw new StoreException(store.path(), operation + (c == null ? "" : " " + c), "batch is closed");
        }
        return batch;
    }
}
