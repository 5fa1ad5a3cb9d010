package org.mtrrledger.engine.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
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
import org.rocksdb.Status;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB database under a {@link LedgerStore} and every native object that goes with it: how the store is
 * opened (options, the shared cache, the write buffer manager), which store it accepts (column families and format
 * version), secondary catch-up, and the release of the native objects. {@link LedgerStore} reads and writes through
 * it and guards every call against {@link #release}; nothing else holds a RocksDB type.
 *
 * <h2>Open modes</h2>
 * One process opens the store {@link OpenMode#PRIMARY} (RocksDB's file lock enforces that); it creates the
 * directory, the database and missing column families. A reader in another process while it runs opens a
 * {@link OpenMode#secondary(Path) secondary}, which follows the primary's WAL and files on {@link #catchUp()};
 * {@link OpenMode#READ_ONLY} is a frozen view for tools run while no engine is writing. The read-only modes refuse a
 * directory that holds no store, or a store lacking some of the families they open.
 *
 * <h2>Which store is accepted</h2>
 * The families opened are the engine's ({@link Column#ENGINE}) and the outputs the opener declared. A store holding
 * any other family is refused before RocksDB opens it (a primary must open every family a database has, and
 * opening a subset read-only would hide that the store was folded by another projection): one of
 * {@link Column#RETIRED} means an older format (the message asks for {@code mtrr rebuild}), any other a store
 * folded with a projection declaring outputs the opener did not, or by a newer build. A primary creates the
 * families it opens that a store lacks (a new store, a projection with a new output, or an engine family of
 * {@link Column#OPTIONAL} that the build which folded the store did not have); a read-only opener opens a store
 * lacking an optional family without it. After opening, META's
 * {@code format-version} must be {@link LedgerStore#FORMAT_VERSION} (a new primary store is stamped with it).
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
 * <h2>Native objects</h2>
 * Every native object made here (cache, write buffer manager, filter, options, column family handles, the database,
 * the per-store read, write and flush options) is owned by this class from the moment it exists and released in
 * reverse order of creation by {@link #release}, or at once if opening fails half-way, so a failed open leaks
 * nothing. Not thread-safe on its own: {@link LedgerStore} calls {@link #release} once, after every call in flight.
 */
final class RocksHandle {

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

    static {
        RocksDB.loadLibrary();
    }

    private final Path path;
    private final OpenMode mode;
    /** Native objects in creation order; released in reverse. */
    private final Deque<AutoCloseable> natives = new ArrayDeque<>();

    private final RocksDB db;
    /** The families opened, in order. */
    private final List<Column> columns;
    /** Handle and RocksDB id of each opened family by {@link Column#slot()}; null / -1 for families not opened. */
    private final ColumnFamilyHandle[] handles;
    private final int[] familyIds;
    private final List<ColumnFamilyHandle> familyHandles;
    private final WriteOptions writeOptions;
    private final ReadOptions readOptions;
    private final FlushOptions flushOptions;

    /**
     * Opens the families {@code columns} (the engine's, then declared outputs') of the store in {@code path}
     * (absolute, normalized) as {@code mode}.
     *
     * @throws StoreException if it cannot be opened or is not a store of this build's format with these families
     */
    RocksHandle(Path path, OpenMode mode, Durability durability, List<Column> columns) {
        this.path = path;
        this.mode = mode;
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

            this.columns = checkFamilies(op, columns);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallFamilies));
            for (Column c : this.columns) {
                ColumnFamilyOptions o = c == Column.META ? smallFamilies : c.pointReads() ? pointFamilies : scanFamilies;
                descriptors.add(new ColumnFamilyDescriptor(c.familyNameBytes(), o));
            }

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
            int slots = 0;
            for (Column c : this.columns) {
                slots = Math.max(slots, c.slot() + 1);
            }
            this.handles = new ColumnFamilyHandle[slots];
            this.familyIds = new int[slots];
            Arrays.fill(familyIds, -1);
            for (int i = 0; i < this.columns.size(); i++) {
                ColumnFamilyHandle h = opened.get(i + 1);
                handles[this.columns.get(i).slot()] = h;
                familyIds[this.columns.get(i).slot()] = h.getID();
            }
            this.familyHandles = List.copyOf(opened.subList(1, opened.size()));
            this.writeOptions = own(new WriteOptions()
                    .setSync(durability == Durability.SYNC)
                    .setDisableWAL(durability == Durability.NO_WAL));
            this.readOptions = own(new ReadOptions());
            this.flushOptions = own(new FlushOptions().setWaitForFlush(true));
            checkFormatVersion(op);
        } catch (RocksDBException e) {
            StoreException failure = new StoreException(path, op, reason(e), e);
            release(failure);
            throw failure;
        } catch (RuntimeException | Error e) {
            release(e);
            throw e;
        }
    }

    /** Deletes the store in {@code p} (absolute, normalized); see {@link LedgerStore#destroy}. */
    static void destroy(Path p) {
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

    /** The version of the RocksDB native library this JVM loaded (whichever rocksdbjni is on the class path). */
    static String nativeVersion() {
        return RocksDB.rocksdbVersion().toString(); // the class initializer has loaded the library
    }

    RocksDB db() {
        return db;
    }

    /** The families opened, in order: those asked for, less {@link Column#OPTIONAL} ones a read-only store lacks. */
    List<Column> columns() {
        return columns;
    }

    /** @throws StoreException if the store was not opened with {@code c} */
    ColumnFamilyHandle handle(Column c) {
        int slot = Objects.requireNonNull(c, "column").slot();
        ColumnFamilyHandle h = slot < handles.length ? handles[slot] : null;
        if (h == null) {
            throw notOpened(c);
        }
        return h;
    }

    /**
     * RocksDB's id of the column's family, as a {@link Batch} record names it.
     *
     * @throws StoreException if the store was not opened with {@code c}
     */
    int familyId(Column c) {
        int slot = Objects.requireNonNull(c, "column").slot();
        int id = slot < familyIds.length ? familyIds[slot] : -1;
        if (id < 0) {
            throw notOpened(c);
        }
        return id;
    }

    private StoreException notOpened(Column c) {
        return new StoreException(path, "family " + c, "the store was opened without it (it has " + columns + ")");
    }

    /** The store's write options: its {@link Durability}. */
    WriteOptions writeOptions() {
        return writeOptions;
    }

    ReadOptions readOptions() {
        return readOptions;
    }

    /** Flushes every family's memtables, atomically across families, and waits. */
    void flush() throws RocksDBException {
        db.flush(flushOptions, familyHandles);
    }

    /** Bytes of the live SST files of every family. */
    long liveSstBytes() throws RocksDBException {
        long sum = 0;
        for (ColumnFamilyHandle h : familyHandles) {
            sum += db.getLongProperty(h, "rocksdb.live-sst-files-size");
        }
        return sum;
    }

    /**
     * Secondary mode: replays the primary's new WAL and MANIFEST entries.
     *
     * @throws StoreException if this store is not a secondary
     */
    void catchUp() throws RocksDBException {
        if (!(mode instanceof OpenMode.Secondary)) {
            throw new StoreException(path, "catchUp", "only a SECONDARY store follows a primary; this one is " + mode);
        }
        db.tryCatchUpWithPrimary();
    }

    /** Releases every native object, newest first; returns {@code failure} with any failure of this chained. */
    Throwable release(Throwable failure) {
        while (!natives.isEmpty()) {
            failure = closeQuietly(natives.pop(), failure);
        }
        return failure;
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
     * The families to open of {@code wanted}: refuses stores with column families neither the engine nor the opener's
     * outputs name (another projection's, or a newer layout; RocksDB would fail with a terse message) and, in the
     * read-only modes, stores lacking some of the families wanted, except {@link Column#OPTIONAL} ones, which are
     * then not opened.
     */
    private List<Column> checkFamilies(String op, List<Column> wanted) throws RocksDBException {
        if (!Files.exists(path.resolve("CURRENT"))) {
            return wanted; // new store, families get created
        }
        Set<String> onDisk = new TreeSet<>();
        try (Options options = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(options, path.toString())) {
                onDisk.add(new String(name, StandardCharsets.UTF_8));
            }
        }
        Set<String> known = new TreeSet<>();
        known.add(Column.DEFAULT_FAMILY);
        for (Column c : wanted) {
            known.add(c.familyName());
        }
        Set<String> unknown = new TreeSet<>(onDisk);
        unknown.removeAll(known);
        Set<String> retired = new TreeSet<>(unknown);
        retired.retainAll(Column.RETIRED.keySet());
        if (!retired.isEmpty()) {
            throw new StoreException(path, op, "store has format version "
                    + Column.RETIRED.get(retired.iterator().next()) + " (column families " + retired
                    + ") but this build reads version " + LedgerStore.FORMAT_VERSION + "; rebuild it (mtrr rebuild)");
        }
        if (!unknown.isEmpty()) {
            throw new StoreException(path, op, "store has column families " + unknown + " that neither the engine "
                    + "nor the projection opening it declares (opened with " + wanted + "): folded by another "
                    + "projection or a newer version; open it with that projection, or rebuild it");
        }
        if (mode.writable()) {
            return wanted;
        }
        List<Column> present = new ArrayList<>();
        Set<String> missing = new TreeSet<>();
        for (Column c : wanted) {
            if (onDisk.contains(c.familyName())) {
                present.add(c);
            } else if (!Column.OPTIONAL.contains(c)) {
                missing.add(c.familyName());
            }
        }
        if (!missing.isEmpty()) {
            throw new StoreException(path, op, "store lacks column families " + missing
                    + " and cannot create them when opened " + mode);
        }
        return List.copyOf(present);
    }

    private void checkFormatVersion(String op) throws RocksDBException {
        ColumnFamilyHandle meta = handle(Column.META);
        byte[] key = Keys.metaFormatVersionKey();
        byte[] stored = db.get(meta, readOptions, key);
        if (stored == null) {
            if (mode.writable()) {
                db.put(meta, writeOptions, key, Values.ofLong(LedgerStore.FORMAT_VERSION));
            }
            return;
        }
        long version = stored.length == Long.BYTES ? Values.asLong(stored) : -1;
        if (version != LedgerStore.FORMAT_VERSION) {
            throw new StoreException(path, op, "store has format version "
                    + (version == -1 ? "<unreadable " + Keys.hex(stored) + ">" : version)
                    + " but this build reads version " + LedgerStore.FORMAT_VERSION + "; rebuild it (mtrr rebuild)");
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
                // One thread writes (the engine's store writer): concurrent skip-list inserts would only add their
                // atomic operations (writer thread 1.03-1.05 us/event without, 1.06-1.15 with; OfflineFold, 1M fleet).
                .setAllowConcurrentMemtableWrite(false)
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

    static Throwable closeQuietly(AutoCloseable c, Throwable failure) {
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

    static Throwable chain(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }

    /** Shown instead of RocksDB's "lock file ... Resource temporarily unavailable" when the primary is taken. */
    static final String LOCKED = "another process has this store open for writing (an mtrr run, serve, replay or "
            + "rebuild holds its LOCK file): stop that process first, or use another --data directory; the query "
            + "commands can read it meanwhile";

    /** A RocksDB failure in words: the held primary lock explained, a corruption with its repair. */
    static String reason(RocksDBException e) {
        String reason = e.getMessage() != null ? e.getMessage() : String.valueOf(e.getStatus());
        if (reason.contains("/LOCK:") || reason.contains("lock hold by current process")) {
            return LOCKED;
        }
        boolean corrupt = e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption;
        return corrupt ? reason + "; " + CorruptValueException.REBUILD : reason;
    }
}
