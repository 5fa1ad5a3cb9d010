package org.mtrrledger.engine.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBatch;

/**
 * The engine's RocksDB store under the typed tables: their byte-level reads, the write path, and the guard around
 * the database that {@link RocksHandle} opens and owns.
 *
 * <h2>What is stored</h2>
 * The engine folds the per-VM event log (Kafka, keyed by VM id) into state. Kafka stays the source
 * of truth; this store is a derived, rebuildable index of it ({@link #destroy} + refold is always a
 * valid repair). It holds one column family per typed table ({@link Column}); the tables own their
 * key layouts, value codecs and retention, and are all that the layers above use. The engine owns six of them:
 * <ul>
 *   <li>{@link MetaTable} ({@link #meta()}): consumer offsets and the topic;
 *   <li>{@link VmStateTable}: each VM's head, a recent state the event log catches up;
 *   <li>{@link CheckpointTable}: a full VM state every K events of that VM, thinned with age, so the
 *       state at any offset is the nearest checkpoint plus a short refold;
 *   <li>{@link EventLog}: the folded log, one record per event by (VM, offset), so a VM's replay or
 *       audit is one scan; {@link SkippedTable}: records the fold skipped (poison), by (partition, offset);
 *   <li>{@link VmOverviewTable}: per VM, what a listing of the VMs shows (event count, first offset, trace times,
 *       source files), written with its head, so that listing needs no scan of the event log.
 * </ul>
 * The projection declares the others, one {@link OutputTable} per output ({@link OutputSpec}: the family name and
 * the record codec are the projection's, the layout, one value per (VM, policy, event), is the store's). Whoever
 * opens a store passes the outputs of the projection that folds (or folded) it; the store opens the engine's
 * families plus those, and refuses a store holding a family that is neither (see {@link RocksHandle}).
 * All keys are ordered byte strings (fixed-width big-endian numbers, NUL-terminated VM ids; see
 * {@link Keys}) so every query is a point get, a floor or a bounded scan. This class is the tables' way to the
 * database: byte-level reads (point get, floor, bounded scans) and the write path (a {@link Batch} applied in one
 * native call), all package-private for the tables, plus the guard that keeps every call off freed native memory.
 * Opening the database (modes, options, memory budget, the format check) and owning its native objects is
 * {@link RocksHandle}'s; whole-store questions (content digests for comparing two folds, per-table sizes) are
 * answered by {@link StoreDigest}.
 *
 * <h2>Consistency and durability</h2>
 * The engine commits consumer offsets in the same {@link Batch} as the state folded from the events
 * before them, so any state found on disk comes with the exact offset to resume from. Separate
 * column families are still one RocksDB database with one sequence number, so a batch across them
 * is atomic. {@link Durability} chooses how far back a crash may roll the store; every column
 * family is flushed with <em>atomic flush</em>, so even without a WAL the families never disagree
 * about how far the fold got. A store records its layout version under META {@code format-version}
 * ({@link #FORMAT_VERSION}) and refuses to open a different one: the answer is a rebuild.
 * {@link OpenMode#PRIMARY} is the one writer; {@link OpenMode#secondary(Path) secondaries} follow it on
 * {@link #catchUp()}, {@link OpenMode#READ_ONLY} is a frozen view (see {@link RocksHandle}).
 *
 * <h2>Resources</h2>
 * The database's native objects are {@link RocksHandle}'s, released on {@link #close()}, which is
 * idempotent. Iterators from {@link #scan} and friends own native objects too: close them
 * (try-with-resources). As a safety net the store tracks the ones still open and closes them before
 * closing itself, so nothing leaks and nothing is used after free; using one afterwards throws
 * {@link StoreException}. {@link Batch}es are plain heap buffers (serialized in RocksDB's batch format,
 * handed over in one native call on {@link #write}); using one after the store closed fails the same way. Every
 * RocksDB failure surfaces as an unchecked {@link StoreException} naming the store directory and the operation.
 *
 * <h2>Thread-safety</h2>
 * All methods of the store may be called concurrently (RocksDB itself is thread-safe for reads and
 * writes). A {@link Batch} or an iterator belongs to one thread at a time. {@link #close()} waits for
 * operations in flight (a long {@link #compactRange()} included) and makes later calls fail cleanly
 * instead of touching freed native memory; that guard is a read lock per call, tens of
 * nanoseconds, against microseconds for the RocksDB call itself.
 */
public final class LedgerStore implements AutoCloseable {

    /**
     * Version of the key layouts documented on {@link Column}, the engine's tables and {@link OutputTable}; bump on any
     * incompatible change. Which outputs a projection declares is not part of it: a store refuses an opener that does
     * not declare its output families by name.
     */
    public static final long FORMAT_VERSION = 4;

    private final Path path;
    private final OpenMode mode;
    private final Durability durability;
    /** The engine's families (those a read-only store has), then the declared outputs', in the order opened. */
    private final List<Column> columns;
    /** Iterators and batches handed out and not yet closed. */
    private final Set<AutoCloseable> openResources = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private final RocksHandle rocks;
    private final BatchBuffers batchBuffers = new BatchBuffers();
    private final MetaTable meta = new MetaTable(this);
    private final StoreReads reads = new StoreReads();

    private LedgerStore(Path path, OpenMode mode, Durability durability, List<Column> columns) {
        this.path = path;
        this.mode = mode;
        this.durability = durability;
        this.rocks = new RocksHandle(path, mode, durability, columns);
        this.columns = rocks.columns();
    }

    /**
     * Opens (in {@link OpenMode#PRIMARY}, creates) the store in {@code dir} with the engine's tables and the
     * {@code outputs} of the projection that folds it ({@code Projection.outputs()}).
     *
     * @param durability how writes are made durable; irrelevant to the read-only modes
     * @param outputs    the projection's output tables; their families are created in a new store
     * @throws StoreException if the store cannot be opened, e.g. another process holds the primary,
     *     the directory is not a store (read-only modes), it holds a family neither the engine nor {@code outputs}
     *     names (or, read-only, lacks one of theirs), or its format version differs
     * @throws IllegalArgumentException if two outputs have the same family
     */
    public static LedgerStore open(Path dir, OpenMode mode, Durability durability, List<OutputSpec<?>> outputs) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(durability, "durability");
        List<Column> columns = new ArrayList<>(Column.ENGINE);
        for (OutputSpec<?> o : outputs) {
            if (columns.contains(o.column())) {
                throw new IllegalArgumentException("outputs " + outputs + " name family " + o.familyName() + " twice");
            }
            columns.add(o.column());
        }
        return new LedgerStore(dir.toAbsolutePath().normalize(), mode, durability, List.copyOf(columns));
    }

    /** {@link #open(Path, OpenMode, Durability, List)} with {@link Durability#WAL_NO_SYNC}. */
    public static LedgerStore open(Path dir, OpenMode mode, List<OutputSpec<?>> outputs) {
        return open(dir, mode, Durability.WAL_NO_SYNC, outputs);
    }

    /** A store of the engine's tables alone: folded with no projection ({@code Projection.NONE}). */
    public static LedgerStore open(Path dir, OpenMode mode, Durability durability) {
        return open(dir, mode, durability, List.of());
    }

    /** {@link #open(Path, OpenMode, Durability)} with {@link Durability#WAL_NO_SYNC}. */
    public static LedgerStore open(Path dir, OpenMode mode) {
        return open(dir, mode, Durability.WAL_NO_SYNC);
    }

    /**
     * Deletes the store in {@code dir} ({@code mtrr rebuild}: drop the derived state and refold the
     * log). Only RocksDB's own files are removed, then the directory if it is left empty. A missing
     * directory is fine.
     *
     * @throws StoreException if {@code dir} holds files but no store (refusing to delete an arbitrary
     *     directory), or if the store is open in a process (its lock is held)
     */
    public static void destroy(Path dir) {
        RocksHandle.destroy(dir.toAbsolutePath().normalize());
    }

    // ------------------------------------------------------------------------------------ reads

    /**
     * Every family this store opened: {@link Column#ENGINE} (less an {@link Column#OPTIONAL} one a read-only store
     * lacks), then the declared outputs' in their order.
     */
    public List<Column> columns() {
        return columns;
    }

    /** Whether this store opened {@code c} (a read-only store may lack an {@link Column#OPTIONAL} family). */
    boolean has(Column c) {
        return columns.contains(c);
    }

    /** The store's bookkeeping table (offsets, topic). */
    public MetaTable meta() {
        return meta;
    }

    /** The native reads this store has made since it was opened (gets, seeks, iterator steps). */
    public StoreReads reads() {
        return reads;
    }

    /** The value of {@code key} in column {@code c}, or {@code null} if absent. */
    byte[] get(Column c, byte[] key) {
        Objects.requireNonNull(key, "key");
        return guarded("get", c, () -> {
            reads.get();
            return rocks.db().get(handle(c), rocks.readOptions(), key);
        });
    }

    /**
     * The value of {@code key} decoded as an 8-byte big-endian long ({@link Values#asLong}).
     *
     * @throws StoreException if the stored value is not 8 bytes (a corrupt or foreign value)
     */
    Optional<Long> getLong(Column c, byte[] key) {
        byte[] v = get(c, key);
        if (v == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Values.asLong(v));
        } catch (IllegalArgumentException e) {
            throw new StoreException(path, "getLong " + c + " " + Keys.hex(key), e.getMessage(), e);
        }
    }

    /**
     * The entry with the greatest key {@code <= key} among those starting with {@code prefix}, or
     * {@code null}. This is "the nearest checkpoint at or before offset O":
     * {@code floor(CHECKPOINTS, Keys.vmPrefix(vm), Keys.vmOffsetKey(vm, O))}. The prefix is what keeps
     * the answer inside the VM (without it the greatest key below "vm-10\0..." may be one of "vm-1").
     *
     * @throws IllegalArgumentException if {@code key} does not start with {@code prefix}
     */
    Entry floor(Column c, byte[] prefix, byte[] key) {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(key, "key");
        if (!Keys.startsWith(key, prefix)) {
            throw new IllegalArgumentException("floor on " + c + ": key " + Keys.hex(key)
                    + " does not start with prefix " + Keys.hex(prefix));
        }
        return guarded("floor", c, () -> {
            try (Slice lower = prefix.length == 0 ? null : new Slice(prefix);
                    ReadOptions options = new ReadOptions();
                    RocksIterator it = rocks.db().newIterator(handle(c),
                            lower == null ? options : options.setIterateLowerBound(lower))) {
                reads.seek();
                it.seekForPrev(key);
                if (it.isValid()) {
                    byte[] found = it.key();
                    return Keys.startsWith(found, prefix) ? new Entry(found, it.value()) : null;
                }
                it.status();
                return null;
            }
        });
    }

    /**
     * Entries of column {@code c} with keys in {@code [fromInclusive, toExclusive)}, ascending.
     * {@code toExclusive == null} means no upper bound. The iterator reads a consistent snapshot taken
     * when it was created and owns native memory: close it.
     *
     * @throws IllegalArgumentException if {@code fromInclusive > toExclusive}
     */
    CloseableIterator<Entry> scan(Column c, byte[] fromInclusive, byte[] toExclusive) {
        return iterate(c, fromInclusive, toExclusive, false);
    }

    /** As {@link #scan} but descending (from the greatest key below {@code toExclusive}). */
    CloseableIterator<Entry> scanReverse(Column c, byte[] fromInclusive, byte[] toExclusive) {
        return iterate(c, fromInclusive, toExclusive, true);
    }

    /** Entries whose key starts with {@code prefix}, ascending. See {@link #scan}. */
    CloseableIterator<Entry> scanPrefix(Column c, byte[] prefix) {
        Objects.requireNonNull(prefix, "prefix");
        return iterate(c, prefix, Keys.prefixEnd(prefix), false);
    }

    // ------------------------------------------------------------------------------------ writes

    /**
     * A new empty batch for this store.
     *
     * @throws StoreException if the store was opened read-only or secondary
     */
    public Batch newBatch() {
        return newBatch(Batch.DEFAULT_INITIAL_BYTES);
    }

    /**
     * A new empty batch whose buffer starts at {@code expectedBytes} (a hint: it grows as needed), so a
     * caller that knows roughly how much it will write avoids re-copying a large batch while building it.
     *
     * @throws StoreException if the store was opened read-only or secondary
     */
    public Batch newBatch(int expectedBytes) {
        requireWritable("newBatch");
        requireOpen("newBatch", null);
        return new Batch(this, batchBuffers.take(Math.max(Batch.HEADER_BYTES, expectedBytes)));
    }

    /** A closed batch's buffer, for the next {@link #newBatch}. */
    void recycle(byte[] buffer) {
        batchBuffers.give(buffer);
    }

    /**
     * Applies every operation of {@code batch} atomically, with this store's {@link Durability}. The
     * batch stays open (and may be written again or closed).
     */
    public void write(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        requireWritable("write");
        if (!batch.ownedBy(this)) {
            throw new IllegalArgumentException("batch was created by another store, not " + path);
        }
        byte[] serialized = batch.serialized("write");
        guarded("write", null, () -> {
            try (WriteBatch native_ = new WriteBatch(serialized)) {
                rocks.db().write(rocks.writeOptions(), native_);
            }
            return null;
        });
    }

    /**
     * Flushes all memtables to SST files, atomically across column families, and waits. The point
     * where a {@link Durability#NO_WAL} store is durable; otherwise rarely needed.
     */
    public void flush() {
        requireWritable("flush");
        guarded("flush", null, () -> {
            rocks.flush();
            return null;
        });
    }

    /** Compacts every column family fully (drops tombstones and overwritten values). Slow; blocks. */
    public void compactRange() {
        requireWritable("compactRange");
        for (Column c : columns) {
            guarded("compactRange", c, () -> {
                rocks.db().compactRange(handle(c));
                return null;
            });
        }
    }

    // ------------------------------------------------------------------------------------ misc

    /**
     * Secondary mode: makes the primary's writes up to now visible (replays its new WAL and MANIFEST
     * entries). Iterators created before keep their older view. With a {@link Durability#NO_WAL}
     * primary only flushed data becomes visible.
     *
     * @throws StoreException if this store is not a secondary
     */
    public void catchUp() {
        guarded("catchUp", null, () -> {
            rocks.catchUp();
            return null;
        });
    }

    /**
     * Approximate bytes on disk: live SST files of all column families plus WAL files. Excludes the
     * info LOG and MANIFEST (small, bounded).
     */
    public long approximateSizeOnDisk() {
        long sst = guarded("approximateSizeOnDisk", null, rocks::liveSstBytes);
        long wal = 0;
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(path, "*.log")) {
            for (Path log : logs) {
                try {
                    wal += Files.size(log);
                } catch (NoSuchFileException gone) {
                    // deleted by RocksDB while we listed: no longer on disk
                }
            }
        } catch (IOException e) {
            throw new StoreException(path, "approximateSizeOnDisk", e.toString(), e);
        }
        return sst + wal;
    }

    /** The version of the RocksDB native library this JVM loaded (whichever rocksdbjni is on the class path). */
    public static String nativeVersion() {
        return RocksHandle.nativeVersion();
    }

    /** The store directory (absolute). */
    public Path path() {
        return path;
    }

    /**
     * Closes still-open iterators, then (primary only) flushes every memtable to SST files, atomically
     * across families, whatever the {@link Durability}: that makes a {@link Durability#NO_WAL} store
     * durable, leaves the next open no WAL to replay (a faster restart), and leaves the data on disk
     * compressed rather than as raw WAL records. Then releases every native object in reverse order of
     * creation. Waits for operations in flight. Idempotent.
     *
     * @throws StoreException if flushing or closing failed (all handles are released regardless)
     */
    @Override
    public void close() {
        Throwable failure = null;
        Lock exclusive = lifecycle.writeLock();
        exclusive.lock();
        try {
            if (closed) {
                return;
            }
            for (AutoCloseable r : List.copyOf(openResources)) {
                failure = RocksHandle.closeQuietly(r, failure);
            }
            openResources.clear();
            if (mode.writable()) {
                try {
                    rocks.flush();
                } catch (RocksDBException e) {
                    failure = RocksHandle.chain(failure, e);
                }
            }
            closed = true;
            failure = rocks.release(failure);
        } finally {
            exclusive.unlock();
        }
        if (failure != null) {
            throw new StoreException(path, "close", failure.toString(), failure);
        }
    }

    @Override
    public String toString() {
        return "LedgerStore[" + path + ", " + mode + ", " + durability + (closed ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------ internals

    /** A RocksDB call that may throw the checked exception. */
    @FunctionalInterface
    interface RocksCall<T> {
        T call() throws RocksDBException;
    }

    /**
     * Runs {@code call} while holding the lifecycle read lock, so close cannot free native objects
     * under it, translating RocksDB failures. {@code c} only names the column in errors.
     */
    <T> T guarded(String operation, Column c, RocksCall<T> call) {
        Lock shared = lifecycle.readLock();
        shared.lock();
        try {
            if (closed) {
                throw new StoreException(path, describe(operation, c), "store is closed");
            }
            return call.call();
        } catch (RocksDBException e) {
            throw failure(operation, c, e);
        } finally {
            shared.unlock();
        }
    }

    /** Stops tracking a resource that released its native objects itself (an exhausted iterator). */
    void untrack(AutoCloseable resource) {
        openResources.remove(resource);
    }

    /** Releases a tracked resource's native objects under the guard and stops tracking it. */
    void release(AutoCloseable resource, Runnable releaseNatives) {
        Lock shared = lifecycle.readLock();
        shared.lock();
        try {
            releaseNatives.run();
            openResources.remove(resource);
        } finally {
            shared.unlock();
        }
    }

    ColumnFamilyHandle handle(Column c) {
        return rocks.handle(c);
    }

    /**
     * {@code c}, if this store opened it.
     *
     * @throws StoreException if it did not: the opener did not declare that output
     */
    Column declared(Column c) {
        if (!columns.contains(c)) {
            throw new StoreException(path, "open table " + c, "the store was opened without the output table " + c
                    + " (it has " + columns + "): open it with the outputs of the projection that uses it");
        }
        return c;
    }

    /** RocksDB's id of the column's family, as a {@link Batch} record names it. */
    int familyId(Column c) {
        return rocks.familyId(c);
    }

    /** Throws the "store is closed" failure {@link #guarded} would, without taking the lock. */
    void requireOpen(String operation, Column c) {
        if (closed) {
            throw new StoreException(path, describe(operation, c), "store is closed");
        }
    }

    private CloseableIterator<Entry> iterate(Column c, byte[] from, byte[] toExclusive, boolean reverse) {
        Objects.requireNonNull(c, "column");
        Objects.requireNonNull(from, "fromInclusive");
        int cmp = toExclusive == null ? -1 : Arrays.compareUnsigned(from, toExclusive);
        if (cmp > 0) {
            throw new IllegalArgumentException("scan on " + c + ": from " + Keys.hex(from)
                    + " is after toExclusive " + Keys.hex(toExclusive));
        }
        return guarded(reverse ? "scanReverse" : "scan", c, () -> {
            if (cmp == 0) {
                return new StoreIterator(this, c, reverse, null, null, null, null); // empty range, no native iterator
            }
            Slice lower = null;
            Slice upper = null;
            ReadOptions options = null;
            RocksIterator it = null;
            try {
                options = new ReadOptions();
                if (from.length > 0) {
                    lower = new Slice(from);
                    options.setIterateLowerBound(lower);
                }
                if (toExclusive != null) {
                    upper = new Slice(toExclusive);
                    options.setIterateUpperBound(upper);
                }
                it = rocks.db().newIterator(handle(c), options);
                reads.seek();
                if (reverse) {
                    it.seekToLast();
                } else {
                    it.seekToFirst();
                }
                StoreIterator result = new StoreIterator(this, c, reverse, lower, upper, options, it);
                openResources.add(result);
                return result;
            } catch (RuntimeException | Error e) {
                for (AutoCloseable n : new AutoCloseable[] {it, options, upper, lower}) {
                    RocksHandle.closeQuietly(n, e);
                }
                throw e;
            }
        });
    }

    private void requireWritable(String operation) {
        if (!mode.writable()) {
            throw new StoreException(path, operation, "store is opened " + mode + ", which is read-only");
        }
    }

    private StoreException failure(String operation, Column c, RocksDBException e) {
        return new StoreException(path, describe(operation, c), RocksHandle.reason(e), e);
    }

    private static String describe(String operation, Column c) {
        return c == null ? operation : operation + " " + c;
    }
}
