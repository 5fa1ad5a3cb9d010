package org.mtrrledger.engine.store;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.codec.BigEndian;

/**
 * One projection output, in the column family the projection declared for it ({@link OutputSpec}): the records a
 * projection produced, per VM, per policy and per event, ONE value for all the records one event produced under one
 * policy (the writer does one memtable insert per event and policy, not one per record). Every declared output has
 * this layout; the projection owns the family name and the record encoding.
 *
 * <p>Key: {@code vmId 0x00 policy(1B) offset(8B BE)}, where offset is the event that produced the records. Ordered by
 * VM, policy, offset, so "this VM's records under policy P in [a, b]" is one bounded scan. Value: the event's records
 * in production order, each {@code length(4B BE) record} ({@link ValueCodec}); a record's position in the value is its
 * seq, so a listing resumes at any (offset, seq). Retention: with the VM's events.
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

    /**
     * The output {@code spec} of {@code store}, its records decoded by the spec's codec.
     *
     * @throws StoreException if the store was opened without declaring {@code spec}
     */
    public static <V> OutputTable<V> of(LedgerStore store, OutputSpec<V> spec) {
        return new OutputTable<>(store, store.declared(spec.column()), spec.codec());
    }

    /**
     * The output {@code spec} of {@code store} with its records as bytes: how the engine writes what a projection
     * encoded.
     *
     * @throws StoreException if the store was opened without declaring {@code spec}
     */
    public static OutputTable<byte[]> raw(LedgerStore store, OutputSpec<?> spec) {
        return new OutputTable<>(store, store.declared(spec.column()), ValueCodec.BYTES);
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
        long from = Math.max(0, fromOffset);
        if (to < from) {
            return;
        }
        byte[] start = Keys.vmPolicyOffsetKey(vm, policy, from);
        byte[] end = to == Long.MAX_VALUE ? Keys.prefixEnd(Keys.vmPolicyPrefix(vm, policy))
                : Keys.vmPolicyOffsetKey(vm, policy, to + 1);
        try (CloseableIterator<Entry> it = store.scan(column, start, end)) {
            while (it.hasNext()) {
                Entry e = it.next();
                long offset = Keys.decodeVmPolicyOffsetKey(e.key()).offset();
                byte[] v = e.value();
                int seq = 0;
                for (int at = 0; at < v.length; seq++) {
                    int length = length(v, at);
                    if (offset == from && seq < fromSeq) {
                        at += 4 + length;
                        continue;
                    }
                    V record = codec.decode(java.util.Arrays.copyOfRange(v, at + 4, at + 4 + length));
                    if (!visitor.visit(offset, seq, record)) {
                        return;
                    }
                    at += 4 + length;
                }
            }
        }
    }

    /** Puts the records the event at {@code offset} produced under {@code policy}, in order (seq 0, 1, ...). */
    public void put(Batch batch, VmKeys vm, int policy, long offset, List<V> records) {
        List<byte[]> encoded = new ArrayList<>(records.size());
        int size = 0;
        for (V r : records) {
            byte[] b = codec.encode(r);
            encoded.add(b);
            size += 4 + b.length;
        }
        batch.put(column, vm.policyOffsetKey(policy, offset), size, (out, at) -> {
            for (byte[] b : encoded) {
                BigEndian.putInt(out, at, b.length);
                System.arraycopy(b, 0, out, at + 4, b.length);
                at += 4 + b.length;
            }
        });
    }

    private int length(byte[] v, int at) {
        int n = at + 4 <= v.length ? BigEndian.getInt(v, at) : -1;
        if (n < 0 || at + 4 + n > v.length) {
            throw new CorruptValueException(column.familyName() + " value", new IllegalArgumentException(
                    "record length " + n + " at byte " + at + " of " + v.length));
        }
        return n;
    }
}
