package org.mtrrledger.engine.store;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A set of writes applied atomically by {@link LedgerStore#write(Batch)}: either all of them become
 * visible (and durable, per the store's {@link Durability}) or none. This is how the engine commits a
 * consumer offset together with the state folded up to it.
 *
 * <h2>Why the batch is built in Java</h2>
 * RocksJava's {@code WriteBatch.put} is one JNI call (and a copy of key and value into native memory) per
 * operation; the engine adds about two operations per folded event (its log record, and its projection's output records
 * under each policy as one value), and profiling at 3.3 per event showed those calls at about a fifth of the engine
 * thread. So the batch is serialized here, on the heap, in RocksDB's own
 * {@code WriteBatch} representation (db/write_batch.cc, the WAL record format), and handed to RocksDB in one
 * call at {@link LedgerStore#write}. The layout (all integers little-endian):
 * <pre>
 *   sequence: fixed64 (0; the database assigns it on write)
 *   count:    fixed32 (number of records)
 *   record*:  tag(1) [column family id: varint32] key: varstring [value: varstring]
 *   varstring := length: varint32, bytes
 * </pre>
 * with the {@code ValueType} tags of db/dbformat.h: put {@code 0x1} / {@code 0x5} (default / other family),
 * delete {@code 0x0} / {@code 0x4}, range delete {@code 0xF} / {@code 0xE}. {@code BatchEncodingTest} checks
 * every byte against RocksJava's own {@code WriteBatch.data()} for random batches.
 *
 * <p>Heap only, no native memory; still {@link AutoCloseable} so a closed batch cannot be written by mistake,
 * and closing hands the buffer back to the store ({@link BatchBuffers}). Closing without writing discards the
 * writes. A batch may be written more than once. Not thread-safe: build
 * a batch on one thread. Only valid on the store that created it.
 */
public final class Batch implements AutoCloseable {

    /** Sequence number (8) and count (4). */
    static final int HEADER_BYTES = 12;
    private static final byte PUT = 0x1;
    private static final byte CF_PUT = 0x5;
    private static final byte DELETE = 0x0;
    private static final byte CF_DELETE = 0x4;
    private static final byte RANGE_DELETE = 0xF;
    private static final byte CF_RANGE_DELETE = 0xE;
    static final int DEFAULT_INITIAL_BYTES = 64 << 10;

    private final LedgerStore store;
    private final AtomicBoolean released = new AtomicBoolean();
    private byte[] rep;
    private int size = HEADER_BYTES;
    private int count;

    Batch(LedgerStore store, byte[] buffer) {
        this.store = store;
        this.rep = buffer;
        Arrays.fill(rep, 0, HEADER_BYTES, (byte) 0); // a recycled buffer: sequence 0, count set on serialize
    }

    /** Adds a put of {@code value} under {@code key} in column {@code c}. */
    Batch put(Column c, byte[] key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        record(c, "batch put", PUT, CF_PUT, key, value);
        return this;
    }

    /** Writes a value of a length known beforehand straight into the batch. */
    @FunctionalInterface
    public interface ValueWriter {
        /** Writes exactly the announced number of bytes into {@code out} from {@code at}. */
        void write(byte[] out, int at);
    }

    /**
     * Adds a put of the {@code valueLength} bytes {@code value} writes, serialized in place: for a value assembled
     * from parts (the engine's stored events) this saves building it as an array and copying it in.
     */
    Batch put(Column c, byte[] key, int valueLength, ValueWriter value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (valueLength < 0) {
            throw new IllegalArgumentException("negative value length " + valueLength);
        }
        recordHead(c, "batch put", PUT, CF_PUT, key, 5 + valueLength);
        putVarint32(valueLength);
        value.write(rep, size);
        size += valueLength;
        count++;
        return this;
    }

    /** Adds a put of {@code value} as 8 bytes big-endian ({@link Values#ofLong}). */
    Batch putLong(Column c, byte[] key, long value) {
        return put(c, key, Values.ofLong(value));
    }

    /** Adds a delete of {@code key} in column {@code c}. */
    Batch delete(Column c, byte[] key) {
        Objects.requireNonNull(key, "key");
        record(c, "batch delete", DELETE, CF_DELETE, key, null);
        return this;
    }

    /**
     * Adds a delete of every key in {@code [from, toExclusive)} of column {@code c}, as one range
     * tombstone (cheap to write regardless of how many keys it covers). An empty range is a no-op.
     *
     * @throws IllegalArgumentException if {@code from > toExclusive}
     */
    Batch deleteRange(Column c, byte[] from, byte[] toExclusive) {
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
        record(c, "batch deleteRange", RANGE_DELETE, CF_RANGE_DELETE, from, toExclusive);
        return this;
    }

    /** Number of operations added so far. */
    public int count() {
        live("batch count", null);
        return count;
    }

    /** Discards the writes (the buffer goes back to the store for the next batch). Idempotent. */
    @Override
    public void close() {
        if (released.compareAndSet(false, true)) {
            byte[] b = rep;
            rep = null;
            store.recycle(b);
        }
    }

    boolean ownedBy(LedgerStore s) {
        return store == s;
    }

    /** The serialized batch (RocksDB's WriteBatch representation), if not yet closed. */
    byte[] serialized(String operation) {
        live(operation, null);
        byte[] out = Arrays.copyOf(rep, size);
        putFixed32(out, 8, count);
        return out;
    }

    private void record(Column c, String operation, byte tag, byte cfTag, byte[] key, byte[] value) {
        recordHead(c, operation, tag, cfTag, key, value == null ? 0 : 5 + value.length);
        if (value != null) {
            putVarstring(value);
        }
        count++;
    }

    /** Tag, column family and key of a record, with room for {@code more} bytes after them. */
    private void recordHead(Column c, String operation, byte tag, byte cfTag, byte[] key, int more) {
        live(operation, c);
        int family = store.familyId(c);
        ensure(1 + 5 + 5 + key.length + more);
        if (family == 0) {
            rep[size++] = tag;
        } else {
            rep[size++] = cfTag;
            putVarint32(family);
        }
        putVarstring(key);
    }

    private void putVarstring(byte[] bytes) {
        putVarint32(bytes.length);
        System.arraycopy(bytes, 0, rep, size, bytes.length);
        size += bytes.length;
    }

    /** LEB128, as RocksDB's util/coding.h EncodeVarint32: 7 bits per byte, low group first. */
    private void putVarint32(int v) {
        while ((v & ~0x7F) != 0) {
            rep[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        rep[size++] = (byte) v;
    }

    private static void putFixed32(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
        b[at + 2] = (byte) (v >>> 16);
        b[at + 3] = (byte) (v >>> 24);
    }

    private void ensure(int more) {
        long need = (long) size + more;
        if (need > rep.length) {
            if (need > Integer.MAX_VALUE - 16) {
                throw new StoreException(store.path(), "batch put", "batch would exceed 2 GiB; write smaller batches");
            }
            rep = Arrays.copyOf(rep, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(need, 2L * rep.length)));
        }
    }

    private void live(String operation, Column c) {
        if (released.get()) {
            throw new StoreException(store.path(), operation + (c == null ? "" : " " + c), "batch is closed");
        }
        store.requireOpen(operation, c);
    }
}
