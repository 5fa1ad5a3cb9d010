package org.mtrrledger.engine.store;

/**
 * One projection output ({@link Column#ZAPS}, {@link Column#HAZARDS}): the records a projection produced per VM, per
 * policy and per event. Key: {@code vmId 0x00 policy(1B) offset(8B BE) seq(2B BE)}, where offset is the event that
 * produced the record and seq numbers several records of one event under one policy. Ordered by VM, policy, offset,
 * seq, so "this VM's records under policy P in [a, b]" is one bounded scan, resumable at any (offset, seq). Value:
 * the record ({@link ValueCodec}). Retention: with the VM's events.
 */
public final class OutputTable<V> {
    private final LedgerStore store;
    private final Column column;
    private final ValueCodec<V> codec;

    private OutputTable(LedgerStore store, Column column, ValueCodec<V> codec) {
        this.store = store;
        this.column = column;
        this.codec = codec;
    }

    /** The policy projection's zap records. */
    public static <V> OutputTable<V> zaps(LedgerStore store, ValueCodec<V> codec) {
        return new OutputTable<>(store, Column.ZAPS, codec);
    }

    /** The policy projection's hazard records. */
    public static <V> OutputTable<V> hazards(LedgerStore store, ValueCodec<V> codec) {
        return new OutputTable<>(store, Column.HAZARDS, codec);
    }

    /** Visits records in (offset, seq) order while it returns true. */
    @FunctionalInterface
    public interface Visitor<V> {
        boolean visit(long offset, int seq, V record);
    }

    /**
     * Visits {@code vm}'s records under {@code policy} from position ({@code fromOffset}, {@code fromSeq}) up to
     * trigger offset {@code to} inclusive ({@link Long#MAX_VALUE}: no bound), in log order, while {@code visitor}
     * returns true.
     */
    public void scan(String vm, int policy, long fromOffset, int fromSeq, long to, Visitor<V> visitor) {
        if (to < fromOffset) {
            return;
        }
        byte[] start = Keys.vmPolicyOffsetKey(vm, policy, Math.max(0, fromOffset), Math.max(0, fromSeq));
        byte[] end = to == Long.MAX_VALUE ? Keys.prefixEnd(Keys.vmPolicyPrefix(vm, policy))
                : Keys.vmPolicyOffsetKey(vm, policy, to + 1, 0);
        try (CloseableIterator<Entry> it = store.scan(column, start, end)) {
            while (it.hasNext()) {
                Entry e = it.next();
                Keys.VmPolicyOffset k = Keys.decodeVmPolicyOffsetKey(e.key());
                if (!visitor.visit(k.offset(), k.seq(), codec.decode(e.value()))) {
                    return;
                }
            }
        }
    }

    public void put(Batch batch, VmKeys vm, int policy, long offset, int seq, V record) {
        batch.put(column, vm.policyOffsetKey(policy, offset, seq), codec.encode(record));
    }
}
