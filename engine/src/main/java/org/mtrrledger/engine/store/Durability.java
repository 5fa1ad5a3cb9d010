package org.mtrrledger.engine.store;

/**
 * How hard {@link LedgerStore#write(Batch)} works to make a batch survive a crash.
 *
 * <p>Every mode keeps the store <em>consistent</em>: the consumer offsets live in the same atomic
 * batch as the state folded from the events before them, so whatever survives a crash is a state
 * together with the exact offset to resume from. The modes differ only in <em>how far back</em> a
 * crash can roll the store, i.e. how much of the log the engine refolds after restart. Kafka is the
 * source of truth, so losing a suffix of batches is never data loss, only recomputation.
 */
public enum Durability {

    /**
     * Default. The write-ahead log is on but not fsynced per batch: a batch survives a crash of the
     * engine process (the WAL is already in the OS page cache) but the last batches can be lost if the
     * machine itself loses power. Costs one buffered {@code write(2)} per batch.
     */
    WAL_NO_SYNC,

    /**
     * WAL on and fsynced for every batch: a written batch survives power loss. Costs an fsync (typically
     * 0.1-10 ms) per batch, so the engine should write large, infrequent batches in this mode.
     */
    SYNC,

    /**
     * No write-ahead log at all; only flushed memtables (SST files) are durable. Because the store uses
     * RocksDB's <em>atomic flush</em>, all column families are flushed at the same sequence number, so
     * after a crash the whole store, META offsets included, rolls back to the last flush as one
     * consistent snapshot and the engine simply refolds from the offsets stored there. That is safe only
     * because Kafka keeps the events: the topic retention must comfortably exceed the time between
     * flushes (memtables flush when the memory budget fills, or on {@link LedgerStore#flush()}). The
     * store flushes on clean {@link LedgerStore#close()}, so an orderly shutdown loses nothing. A
     * {@link OpenMode#secondary(java.nio.file.Path) secondary} reader sees only flushed data in this
     * mode, since it follows the primary through its WAL. Fastest for a bulk refold ({@code mtrr
     * rebuild}).
     */
    NO_WAL
}
