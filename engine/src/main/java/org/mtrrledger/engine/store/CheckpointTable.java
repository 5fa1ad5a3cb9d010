package org.mtrrledger.engine.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.mtrrledger.events.codec.BigEndian;

/**
 * Periodic full snapshots of a VM's state ({@link Column#CHECKPOINTS}), so that "state at offset O" is one
 * {@link #atOrBefore} lookup plus a refold of the events after it.
 *
 * <p>Key: {@code vmId 0x00 offset(8B BE)}, the offset of the event whose fold produced the snapshot; ordered by VM,
 * then offset, so the nearest checkpoint at or before O is a {@code seekForPrev} bounded to the VM's prefix. Value:
 * the full VM state ({@link ValueCodec}). The writer puts one every K events of a VM (K = checkpoint interval).
 *
 * <h2>Retention</h2>
 * Time travel needs checkpoints dense where queries are cheap to answer and a refold is short; far back in a VM's
 * history a sparser grid only makes the refold longer. So per VM the newest {@value #DENSE} checkpoints are all kept,
 * and older ones are thinned to every {@value #SPARSE}th: when a put brings the dense tail to
 * {@code DENSE + SPARSE}, the oldest {@code SPARSE} of the tail are replaced by their last one with ONE range
 * delete {@code (previous anchor, new anchor)} in the same batch. A VM's checkpoints are then at most
 * {@code DENSE + SPARSE + n / SPARSE} for n written (the event log grows by K events for each of them), and a time
 * travel refolds fewer than K events in the dense tail and fewer than {@code SPARSE * K} before it. Thinning needs
 * the offsets of the tail: kept per VM in its {@link VmKeys}. The first time a process writes a checkpoint of a VM it
 * reads them back from disk: the newest checkpoint's number n says how long the tail is ({@code n + 1} puts leave
 * {@code DENSE + (n + 1 - DENSE) mod SPARSE} once thinning has begun), so one reverse scan of that many keys plus
 * the anchor restores exactly the state an uninterrupted writer would have: the retained set depends only on the
 * checkpoints written, never on restarts or batching. An answer never depends on the retention either: any
 * checkpoint at or before O, or none, refolds to the same state.
 */
public final class CheckpointTable<V> {
    /** Newest checkpoints per VM always kept. */
    public static final int DENSE = 256;
    /** Older checkpoints are kept one in this many. */
    public static final int SPARSE = 4;

    private final LedgerStore store;
    private final ValueCodec<V> codec;
    private final int dense;
    private final int sparse;

    public CheckpointTable(LedgerStore store, ValueCodec<V> codec) {
        this(store, codec, DENSE, SPARSE);
    }

    /** With another retention (tests). */
    CheckpointTable(LedgerStore store, ValueCodec<V> codec, int dense, int sparse) {
        if (dense < 1 || sparse < 2) {
            throw new IllegalArgumentException("retention needs dense >= 1 and sparse >= 2: " + dense + ", " + sparse);
        }
        this.store = store;
        this.codec = codec;
        this.dense = dense;
        this.sparse = sparse;
    }

    /** A checkpoint and the offset of the event it follows. */
    public record Checkpoint<V>(long offset, V state) {
    }

    /** The newest checkpoint of {@code vm} at or before {@code offset}, or null. */
    public Checkpoint<V> atOrBefore(String vm, long offset) {
        Entry e = store.floor(Column.CHECKPOINTS, Keys.vmPrefix(vm), Keys.vmOffsetKey(vm, offset));
        if (e == null) {
            return null;
        }
        byte[] v = e.value();
        if (v.length < Long.BYTES) {
            throw new CorruptValueException("checkpoint of " + vm, new IllegalArgumentException(v.length + " bytes"));
        }
        return new Checkpoint<>(Keys.decodeVmOffsetKey(e.key()).offset(),
                codec.decode(java.util.Arrays.copyOfRange(v, Long.BYTES, v.length)));
    }

    /** Offsets of {@code vm}'s stored checkpoints, ascending (keys only). */
    public List<Long> offsets(String vm) {
        List<Long> out = new ArrayList<>();
        try (CloseableIterator<Entry> it = store.scanPrefix(Column.CHECKPOINTS, Keys.vmPrefix(vm))) {
            while (it.hasNext()) {
                out.add(Keys.decodeVmOffsetKey(it.next().key()).offset());
            }
        }
        return out;
    }

    /** Puts the checkpoint taken after the event at {@code offset} and applies the retention to the VM's others. */
    public void put(Batch batch, VmKeys vm, long offset, V state) {
        VmKeys.Retention r = vm.retention();
        if (r == null) {
            r = loadRetention(vm);
        }
        byte[] encoded = codec.encode(state);
        byte[] value = new byte[Long.BYTES + encoded.length];
        BigEndian.putLong(value, 0, r.written);
        System.arraycopy(encoded, 0, value, Long.BYTES, encoded.length);
        batch.put(Column.CHECKPOINTS, vm.offsetKey(offset), value);
        r.written++;
        r.tail.addLast(offset);
        if (r.tail.size() < dense + sparse) {
            return;
        }
        long first = r.tail.peekFirst();
        long last = -1;
        for (int i = 0; i < sparse; i++) {
            last = r.tail.removeFirst();
        }
        long from = r.anchor < 0 ? first : r.anchor + 1;
        if (from < last) {
            batch.deleteRange(Column.CHECKPOINTS, vm.offsetKey(from), vm.offsetKey(last));
        }
        r.anchor = last;
    }

    /** The retention state after the VM's committed checkpoints (see the class comment). */
    private VmKeys.Retention loadRetention(VmKeys vm) {
        VmKeys.Retention r = new VmKeys.Retention();
        byte[] prefix = Keys.vmPrefix(vm.vm());
        List<Long> newest = new ArrayList<>();
        int want = 0;
        try (CloseableIterator<Entry> it = store.scanReverse(Column.CHECKPOINTS, prefix, Keys.prefixEnd(prefix))) {
            while (it.hasNext() && (newest.isEmpty() || newest.size() < want)) {
                Entry e = it.next();
                if (newest.isEmpty()) {
                    if (e.value().length < Long.BYTES) {
                        throw new CorruptValueException("checkpoint of " + vm.vm(),
                                new IllegalArgumentException(e.value().length + " bytes"));
                    }
                    r.written = BigEndian.getLong(e.value(), 0) + 1;
                    want = tailLength(r.written) + (r.written >= dense + sparse ? 1 : 0);
                }
                newest.add(Keys.decodeVmOffsetKey(e.key()).offset());
            }
        }
        Collections.reverse(newest);
        if (!newest.isEmpty() && r.written >= dense + sparse) {
            r.anchor = newest.remove(0);
        }
        r.tail.addAll(newest);
        vm.retention(r);
        return r;
    }

    /** Length of the dense tail after {@code written} puts. */
    private int tailLength(long written) {
        return (int) (written < dense + sparse ? written : dense + (written - dense) % sparse);
    }
}
