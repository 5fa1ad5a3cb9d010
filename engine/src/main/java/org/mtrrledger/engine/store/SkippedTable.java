package org.mtrrledger.engine.store;

/**
 * Records the engine could not fold and skipped ({@link Column#SKIPPED}; poison handling {@code SKIP}: too big,
 * undecodable, an invalid event, or on the wrong partition). They have no trustworthy VM id, so they are kept by log
 * position. Key: {@code partition(4B BE) offset(8B BE)}. Value: the skipped record ({@link ValueCodec}). Rare by
 * construction; retention follows the topic's.
 */
public final class SkippedTable<V> {
    private final LedgerStore store;
    private final ValueCodec<V> codec;

    public SkippedTable(LedgerStore store, ValueCodec<V> codec) {
        this.store = store;
        this.codec = codec;
    }

    /** Visits skipped records in (partition, offset) order while it returns true. */
    @FunctionalInterface
    public interface Visitor<V> {
        boolean visit(int partition, long offset, V record);
    }

    /** The record skipped at {@code partition}/{@code offset}, or null. */
    public V get(int partition, long offset) {
        byte[] b = store.get(Column.SKIPPED, Keys.partitionOffsetKey(partition, offset));
        return b == null ? null : codec.decode(b);
    }

    /**
     * Visits the skipped records from position ({@code fromPartition}, {@code fromOffset}) on, only those of
     * {@code onlyPartition} unless it is null, while {@code visitor} returns true.
     */
    public void scan(Integer onlyPartition, int fromPartition, long fromOffset, Visitor<V> visitor) {
        byte[] start = Keys.partitionOffsetKey(fromPartition, fromOffset);
        byte[] end = onlyPartition == null ? null : Keys.prefixEnd(Keys.partitionPrefix(onlyPartition));
        if (end != null && java.util.Arrays.compareUnsigned(start, end) >= 0) {
            return;
        }
        try (CloseableIterator<Entry> it = store.scan(Column.SKIPPED, start, end)) {
            while (it.hasNext()) {
                Entry e = it.next();
                Keys.PartitionOffset at = Keys.decodePartitionOffsetKey(e.key());
                if (!visitor.visit(at.partition(), at.offset(), codec.decode(e.value()))) {
                    return;
                }
            }
        }
    }

    public void put(Batch batch, int partition, long offset, V record) {
        batch.put(Column.SKIPPED, Keys.partitionOffsetKey(partition, offset), codec.encode(record));
    }
}
