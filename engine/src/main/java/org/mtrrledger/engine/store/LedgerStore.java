package org.mtrrledger.engine.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The engine's RocksDB store: the owner of the database handle and every native object, under the typed tables.
 *
 * <h2>What is stored</h2>
 * The engine folds the per-VM event log (Kafka, keyed by VM id) into state. Kafka stays the source
 * of truth; this store is a derived, rebuildable index of it ({@link #destroy} + refold is always a
 * valid repair). It holds one column family per typed table ({@link Column}); the tables own their
 * key layouts, value codecs and retention, and are all that the layers above use:
 * <ul>
 *   <li>{@link MetaTable} ({@link #meta()}): consumer offsets and the topic;
 *   <li>{@link VmStateTable}: latest state per VM;
 *   <li>{@link CheckpointTable}: a full VM state every K events of that VM, thinned with age, so the
 *       state at any offset is the nearest checkpoint plus a short refold;
 *   <li>{@link EventLog}: the folded log, one record per event by (VM, offset), so a VM's replay or
 *       audit is one scan; {@link SkippedTable}: records the fold skipped (poison), by (partition, offset);
 *   <li>{@link OutputTable}: one per projection output (zaps, hazards), one value per (VM, policy, event).
 * </ul>
 * All keys are ordered byte strings (fixed-width big-endian numbers, NUL-terminated VM ids; see
 * {@link Keys}) so every query is a point get, a floor or a bounded scan. This class owns the RocksDB
 * handle and what goes with it: open modes, options, durability, the lifecycle of native objects and
 * the store's format version. Its byte-level reads and writes are package-private, for the tables; whole-store
 * questions (content digests for comparing two folds, per-table sizes) are answered by {@link StoreDigest}.
 *
 * <h2>Consistency and durability</h2>
 * The engine commits consumer offsets in the same {@link Batch} as the state folded from the events
 * before them, so any state found on disk comes with the exact offset to resume from. Separate
 * column families are still one RocksDB database with one sequence number, so a batch across them
 * is atomic. {@link Durability} chooses how far back a crash may roll the store; every column
 * family is flushed with <em>atomic flush</em>, so even without a WAL the families never disagree
 * about how far the fold got. A store records its layout version under META {@code format-version}
 * ({@link #FORMAT_VERSION}) and refuses to open a different one: the answer is a rebuild.
 *
 * <h2>Open modes</h2>
 * One process opens the store {@link OpenMode#PRIMARY} (RocksDB's file lock enforces that). Query
 * commands running beside it open an {@link OpenMode#secondary(Path) secondary}, which follows the
 * primary's WAL and files on {@link #catchUp()}; {@link OpenMode#READ_ONLY} is a frozen view for
 * tools run while no engine is writing.
 *
 * <h2>Memory and tuning</h2>
 * Tuned for a write-heavy fold on a small machine (the engine heap target is 512 MiB; RocksDB's
 * memory is off-heap and must be bounded separately):
 * <ul>
 *   <li>one LRU cache of {@value #CACHE_BYTES} bytes shared by all families holds data blocks,
 *       index and filter blocks (charged to the cache, L0 ones pinned) <em>and</em> memtables
 *       (charged through a write buffer manager capped at {@value #MEMTABLE_BYTES} bytes), so the
 *       store's memory stays near that one number however many SST files exist; at least 64 MiB
 *       remain for blocks when memtables are full;
 *   <li>64 MiB write buffers (4 MiB for META), up to 3 per family: VM_STATE is overwritten every
 *       batch and a large memtable absorbs those overwrites before they reach disk;
 *   <li>ZSTD on every level: the folded log repeats itself (the same MSRs, VM ids and outcomes), and on a
 *       1.1M-event fleet ZSTD kept the store at 30 MiB after flush against LZ4's 56 MiB (the topic itself
 *       is 23 MiB, LZ4-batched by Kafka), for about one second of background CPU; compression runs on the
 *       flush/compaction threads, not the engine's;
 *   <li>10-bit bloom filters only on families read by exact key (META, VM_STATE);
 *       prefix-scanned families would not use them;
 *   <li>WAL capped at {@value #MAX_WAL_BYTES} bytes, half the memtable budget: beyond it RocksDB flushes the
 *       memtables (all families, atomic flush), so a restart after a kill replays at most that, and a rarely
 *       written family (META is tiny) cannot keep old WAL files alive. Without a cap RocksDB allows four times the
 *       write buffers (the WAL reached 65 MiB on a 7 MiB store). A smaller cap costs CPU: every flush it forces
 *       writes seven small L0 files that compaction then rewrites; on the first 3.3M events of the 10M bench fleet
 *       a 16 MiB cap spent 7.8-9.7 s in RocksDB's flush and compaction threads, this one 3.9 s
 *       ({@code OfflineFold}, per-thread CPU from /proc); info LOG capped at 5 files of 16 MiB.
 * </ul>
 *
 * <h2>Resources</h2>
 * This class owns every native object it creates (cache, filter, options, column family handles,
 * the database) and releases them in reverse order of creation on {@link #close()}, which is
 * idempotent. Iterators from {@link #scan} and friends own native objects too: close them
 * (try-with-resources). As a safety net the store tracks the ones still open and closes them before
 * closing itself, so nothing leaks and nothing is used after free; using one afterwards throws
 * {@link StoreException}. {@link Batch}es are plain heap buffers (serialized in RocksDB's batch format,
 * handed over in one native call on {@link #write}); using one after the store closed fails the same way. Every RocksDB failure surfaces as an unchecked
 * {@link StoreException} naming the store directory and the operation.
 *
 * <h2>Thread-safety</h2>
 * All methods of the store may be called concurrently (RocksDB itself is thread-safe for reads and
 * writes). A {@link Batch} or an iterator belongs to one thread at a time. {@link #close()} waits for
 * operations in flight (a long {@link #compactRange()} included) and makes later calls fail cleanly
 * instead of touching freed native memory; that guard is a read lock per call, tens of
 * nanoseconds, against microseconds for the RocksDB call itself.
 */
public final class LedgerStore implements AutoCloseable {

    /** Version of the key layouts documented on {@link Column}; bump on any incompatible change. */
    public static final long FORMAT_VERSION = 3;

    /**
     * Column families of older formats, by name, with the format version that last had them: a store holding one is
     * an old store (and gets a "rebuild" message), not a newer one.
     */
    private static final Map<String, Long> RETIRED_FAMILIES = Map.of("events", 1L, "vm-events", 1L, "projections", 2L);

    /** Shared LRU cache: blocks plus memtables (charged). */
    static final long CACHE_BYTES = 192L << 20;
    /** Cap on all memtables together (charged to the cache); reaching it triggers a flush. */
    static final long MEMTABLE_BYTES = 128L << 20;
    /** Total WAL size beyond which the memtables are flushed (see the class comment). */
    static final long MAX_WAL_BYTES = 64L << 20;
    private static final long WRITE_BUFFER_BYTES = 64L << 20;
    private static final long META_WRITE_BUFFER_BYTES = 4L << 20;
    private static final int MAX_WRITE_BUFFERS = 3;
    private static final long BLOCK_BYTES = 16L << 10;
    private static final double BLOOM_BITS_PER_KEY = 10;
    private static final double HIGH_PRIORITY_POOL_RATIO = 0.1;
    private static final String DEFAULT_FAMILY = new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8);

    static {
        RocksDB.loadLibrary();
    }

    private final Path path;
    private final OpenMode mode;
    private final Durability durability;
    /** Native objects in creation order; closed in reverse. */
    private final Deque<AutoCloseable> natives = new ArrayDeque<>();
    /** Iterators and batches handed out and not yet closed. */
    private final Set<AutoCloseable> openResources = ConcurrentHashMap.newKeySet();
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed;

    private final RocksDB db;
    private final Map<Column, ColumnFamilyHandle> handles = new EnumMap<>(Column.class);
    private final List<ColumnFamilyHandle> familyHandles;
    private final int[] familyIds;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final FlushOptions flushOptions;
    private final BatchBuffers batchBuffers = new BatchBuffers();
    private final MetaTable meta = new MetaTable(this);

    private LedgerStore(Path path, OpenMode mode, Durability durability) {
        this.path = path;
        this.mode = mode;
        this.durability = durability;
        String op = "open " + mode;
        try {
            prepareDirectories(op);
            LRUCache cache = own(new LRUCache(CACHE_BYTES, -1, false, HIGH_PRIORITY_POOL_RATIO));
            WriteBufferManager writeBuffers = own(new WriteBufferManager(MEMTABLE_BYTES, cache));
            BloomFilter bloom = own(new BloomFilter(BLOOM_BITS_PER_KEY));
            ColumnFamilyOptions pointFamilies = own(familyOptions(cache, bloom, WRITE_BUFFER_BYTES));
            ColumnFamilyOptions scanFamilies = own(familyOptions(cache, null, WRITE_BUFFER_BYTES));
            ColumnFamilyOptions smallFamilies = own(familyOptions(cache, bloom, META_WRITE_BUFFER_BYTES));
            DBOptions dbOptions = own(dbOptions(writeBuffers));

            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallFamilies));
            for (Column c : Column.values()) {
                ColumnFamilyOptions o = c == Column.META ? smallFamilies : c.pointReads() ? pointFamilies : scanFamilies;
                descriptors.add(new ColumnFamilyDescriptor(c.familyNameBytes(), o));
            }
            checkFamilies(op);

            List<ColumnFamilyHandle> opened = new ArrayList<>();
            String dir = path.toString();
            RocksDB database;
            if (mode instanceof OpenMode.Primary) {
                database = RocksDB.open(dbOptions, dir, descriptors, opened);
            } else if (mode instanceof OpenMode.Secondary s) {
                database = RocksDB.openAsSecondary(dbOptions, dir, s.secondaryDir().toString(), descriptors, opened);
            } else {
                database = RocksDB.openReadOnly(dbOptions, dir, descriptors, opened, false);
            }
            this.db = database;
            natives.push(database::closeE);
            // Handles must be closed before the database: pushed after it, so popped before it.
            for (ColumnFamilyHandle h : opened) {
                natives.push(h);
            }
            for (int i = 0; i < Column.values().length; i++) {
                handles.put(Column.values()[i], opened.get(i + 1));
            }
            this.familyHandles = List.copyOf(handles.values());
            this.familyIds = new int[Column.values().length];
            for (Column c : Column.values()) {
                familyIds[c.ordinal()] = handles.get(c).getID();
            }
            this.writeOptions = own(new WriteOptions()
                    .setSync(durability == Durability.SYNC)
                    .setDisableWAL(durability == Durability.NO_WAL));
            this.readOptions = own(new ReadOptions());
            this.flushOptions = own(new FlushOptions().setWaitForFlush(true));
            checkFormatVersion(op);
        } catch (RocksDBException e) {
            StoreException failure = failure(op, null, e);
            releaseNatives(failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            releaseNatives(e);
            throw e;
        }
    }

    /**
     * Opens (in {@link OpenMode#PRIMARY}, creates) the store in {@code dir}.
     *
     * @param durability how writes are made durable; irrelevant to the read-only modes
     * @throws StoreException if the store cannot be opened, e.g. another process holds the primary,
     *     the directory is not a store (read-only modes), or its format version differs
     */
    public static LedgerStore open(Path dir, OpenMode mode, Durability durability) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(durability, "durability");
        return new LedgerStore(dir.toAbsolutePath().normalize(), mode, durability);
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
        Path p = dir.toAbsolutePath().normalize();
        if (!Files.exists(p)) {
            return;
        }
        try {
            boolean empty;
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
                empty = !entries.iterator().hasNext();
            }
            if (!empty && !Files.exists(p.resolve("CURRENT"))) {
                throw new StoreException(p, "destroy", "not a RocksDB store (no CURRENT file); refusing to delete it");
            }
            try (Options options = new Options()) {
                RocksDB.destroyDB(p.toString(), options);
            }
            Files.deleteIfExists(p);
        } catch (RocksDBException e) {
            throw new StoreException(p, "destroy", reason(e), e);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // Foreign files remain (e.g. a secondary's directory placed inside); the store itself is gone.
        } catch (IOException e) {
            throw new StoreException(p, "destroy", e.toString(), e);
        }
    }

    // ------------------------------------------------------------------------------------ reads

    /** The store's bookkeeping table (offsets, topic). */
    public MetaTable meta() {
        return meta;
    }

    /** The value of {@code key} in column {@code c}, or {@code null} if absent. */
    byte[] get(Column c, byte[] key) {
        Objects.requireNonNull(key, "key");
        return guarded("get", c, () -> db.get(handle(c), readOptions, key));
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
                    RocksIterator it = db.newIterator(handle(c), lower == null ? options : options.setIterateLowerBound(lower))) {
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
                db.write(writeOptions, native_);
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
            db.flush(flushOptions, familyHandles);
            return null;
        });
    }

    /** Compacts every column family fully (drops tombstones and overwritten values). Slow; blocks. */
    public void compactRange() {
        requireWritable("compactRange");
        for (Column c : Column.values()) {
            guarded("compactRange", c, () -> {
                db.compactRange(handle(c));
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
        if (!(mode instanceof OpenMode.Secondary)) {
            throw new StoreException(path, "catchUp", "only a SECONDARY store follows a primary; this one is " + mode);
        }
        guarded("catchUp", null, () -> {
            db.tryCatchUpWithPrimary();
            return null;
        });
    }

    /**
     * Approximate bytes on disk: live SST files of all column families plus WAL files. Excludes the
     * info LOG and MANIFEST (small, bounded).
     */
    public long approximateSizeOnDisk() {
        long sst = guarded("approximateSizeOnDisk", null, () -> {
            long sum = 0;
            for (ColumnFamilyHandle h : familyHandles) {
                sum += db.getLongProperty(h, "rocksdb.live-sst-files-size");
            }
            return sum;
        });
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
        return RocksDB.rocksdbVersion().toString(); // the class initializer has loaded the library
    }

    /** The store directory (absolute). */
    public Path path() {
        return path;
    }

    /** How this store was opened. */
    public OpenMode mode() {
        return mode;
    }

    /** How writes are made durable. */
    public Durability durability() {
        return durability;
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
                failure = closeQuietly(r, failure);
            }
            openResources.clear();
            if (mode.writable()) {
                try {
                    db.flush(flushOptions, familyHandles);
                } catch (RocksDBException e) {
                    failure = chain(failure, e);
                }
            }
            closed = true;
            failure = releaseNatives(failure);
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
        return handles.get(Objects.requireNonNull(c, "column"));
    }

    /** RocksDB's id of the column's family, as a {@link Batch} record names it. */
    int familyId(Column c) {
        return familyIds[Objects.requireNonNull(c, "column").ordinal()];
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
                it = db.newIterator(handle(c), options);
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
                    closeQuietly(n, e);
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

    private void prepareDirectories(String op) {
        try {
            if (mode instanceof OpenMode.Primary) {
                Files.createDirectories(path);
                return;
            }
            if (!Files.isRegularFile(path.resolve("CURRENT"))) {
                throw new StoreException(path, op, "no RocksDB store here (no CURRENT file)");
            }
            if (mode instanceof OpenMode.Secondary s) {
                Path secondary = s.secondaryDir().toAbsolutePath().normalize();
                if (secondary.equals(path)) {
                    throw new StoreException(path, op, "the secondary directory must differ from the store directory");
                }
                Files.createDirectories(secondary);
            }
        } catch (IOException e) {
            throw new StoreException(path, op, e.toString(), e);
        }
    }

    /**
     * Refuses stores with column families this build does not know (a newer layout; RocksDB would
     * fail with a terse message) and, in the read-only modes, stores lacking some of ours.
     */
    private void checkFamilies(String op) throws RocksDBException {
        if (!Files.exists(path.resolve("CURRENT"))) {
            return; // new store, families get created
        }
        Set<String> onDisk = new TreeSet<>();
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, path.toString())) {
                onDisk.add(new String(name, StandardCharsets.UTF_8));
            }
        }
        Set<String> known = new TreeSet<>();
        known.add(DEFAULT_FAMILY);
        for (Column c : Column.values()) {
            known.add(c.familyName());
        }
        Set<String> unknown = new TreeSet<>(onDisk);
        unknown.removeAll(known);
        Set<String> retired = new TreeSet<>(unknown);
        retired.retainAll(RETIRED_FAMILIES.keySet());
        if (!retired.isEmpty()) {
            throw new StoreException(path, op, "store has format version "
                    + RETIRED_FAMILIES.get(retired.iterator().next()) + " (column families " + retired
                    + ") but this build reads version " + FORMAT_VERSION + "; rebuild it (mtrr rebuild)");
        }
        if (!unknown.isEmpty()) {
            throw new StoreException(path, op, "store has column families " + unknown
                    + " unknown to this build (written by a newer version?); rebuild it or upgrade");
        }
        Set<String> missing = new TreeSet<>(known);
        missing.removeAll(onDisk);
        if (!missing.isEmpty() && !mode.writable()) {
            throw new StoreException(path, op, "store lacks column families " + missing
                    + " and cannot create them when opened " + mode);
        }
    }

    private void checkFormatVersion(String op) throws RocksDBException {
        ColumnFamilyHandle meta = handle(Column.META);
        byte[] key = Keys.metaFormatVersionKey();
        byte[] stored = db.get(meta, readOptions, key);
        if (stored == null) {
            if (mode.writable()) {
                db.put(meta, writeOptions, key, Values.ofLong(FORMAT_VERSION));
            }
            return;
        }
        long version = stored.length == Long.BYTES ? Values.asLong(stored) : -1;
        if (version != FORMAT_VERSION) {
            throw new StoreException(path, op, "store has format version "
                    + (version == -1 ? "<unreadable " + Keys.hex(stored) + ">" : version)
                    + " but this build reads version " + FORMAT_VERSION + "; rebuild it (mtrr rebuild)");
        }
    }

    private DBOptions dbOptions(WriteBufferManager writeBuffers) {
        boolean primary = mode instanceof OpenMode.Primary;
        return new DBOptions()
                .setCreateIfMissing(primary)
                .setCreateMissingColumnFamilies(primary)
                .setAtomicFlush(true)
                .setWriteBufferManager(writeBuffers)
                .setMaxTotalWalSize(MAX_WAL_BYTES)
                .setMaxBackgroundJobs(2)
                .setBytesPerSync(1L << 20)
                .setMaxOpenFiles(-1) // required by secondaries; index/filter memory is in the cache anyway
                .setKeepLogFileNum(5)
                .setMaxLogFileSize(16L << 20);
    }

    private static ColumnFamilyOptions familyOptions(LRUCache cache, BloomFilter bloom, long writeBufferBytes) {
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setBlockSize(BLOCK_BYTES)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        if (bloom != null) {
            table.setFilterPolicy(bloom);
        }
        return new ColumnFamilyOptions()
                .setCompressionType(CompressionType.ZSTD_COMPRESSION)
                .setWriteBufferSize(writeBufferBytes)
                .setMaxWriteBufferNumber(MAX_WRITE_BUFFERS)
                .setLevelCompactionDynamicLevelBytes(true)
                .setTableFormatConfig(table);
    }

    private <T extends AutoCloseable> T own(T nativeObject) {
        natives.push(nativeObject);
        return nativeObject;
    }

    /** Closes every owned native object, newest first; returns the accumulated failure. */
    private Throwable releaseNatives(Throwable failure) {
        while (!natives.isEmpty()) {
            failure = closeQuietly(natives.pop(), failure);
        }
        return failure;
    }

    private static Throwable closeQuietly(AutoCloseable c, Throwable failure) {
        if (c == null) {
            return failure;
        }
        try {
            c.close();
        } catch (Exception e) {
            return chain(failure, e);
        }
        return failure;
    }

    private static Throwable chain(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    private StoreException failure(String operation, Column c, RocksDBException e) {
        return new StoreException(path, describe(operation, c), reason(e), e);
    }

    private static String describe(String operation, Column c) {
        return c == null ? operation : operation + " " + c;
    }

    /** Shown instead of RocksDB's "lock file ... Resource temporarily unavailable" when the primary is taken. */
    static final String LOCKED = "another process has this store open for writing (an mtrr run, serve, replay or "
            + "rebuild holds its LOCK file): stop that process first, or use another --data directory; the query "
            + "commands can read it meanwhile";

    private static String reason(RocksDBException e) {
        String reason = e.getMessage() != null ? e.getMessage() : String.valueOf(e.getStatus());
        if (reason.contains("/LOCK:") || reason.contains("lock hold by current process")) {
            return LOCKED;
        }
        boolean corrupt = e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption;
        return corrupt ? reason + "; " + CorruptValueException.REBUILD : reason;
    }
}
