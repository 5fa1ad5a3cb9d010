package org.mtrrledger.engine.store;

import java.util.Arrays;
import java.util.OptionalLong;
import java.util.function.Function;
import org.mtrrledger.events.codec.BigEndian;

/**
 * The folded log by VM ({@link Column#EVENTS}): every event the engine folded, verbatim, with its outcome, ONE
 * record per event. This is both the audit trail ("what exactly was published at this offset, and what did the fold
 * make of it") and the input of time travel, which replays one VM from a checkpoint: keying by VM makes that replay
 * and every audit listing one sequential, bounded scan of adjacent keys.
 *
 * <p>Key: {@code vmId 0x00 offset(8B BE)}; the offset is in the VM's partition (records are keyed by VM id, so a VM
 * lives in one partition). Value: written in place by the engine's event codec ({@link #put}) and read with the
 * decoder the table was built with, so a replay can decode only what it needs (the payload, not the outcome).
 * Retention: follows the topic's, per VM.
 */
public final class EventLog<V> {
    private final LedgerStore store;
    private final Function<byte[], V> decode;

    public EventLog(LedgerStore store, Function<byte[], V> decode) {
        this.store = store;
        this.decode = decode;
    }

    /** Visits stored events in offset order while it returns true. */
    @FunctionalInterface
    public interface Visitor<V> {
        boolean visit(long offset, V event);
    }

    /** The VM's event at {@code offset}, or null. */
    public V get(String vm, long offset) {
        byte[] b = store.get(Column.EVENTS, Keys.vmOffsetKey(vm, offset));
        return b == null ? null : decode.apply(b);
    }

    /**
     * How far ahead, in offsets, an ordered read ({@link #getAll}) steps to the next wanted offset before it seeks
     * instead. A VM has at most one entry per offset, so a gap of at most this many offsets is at most this many
     * steps, each a key read out of the block the iterator has pinned; a longer gap may hold any number of entries
     * and costs one seek, a binary search of every level's index. Measured on a store of interleaved VMs, per 100
     * zaps' triggers: 40 steps and 73 seeks with this rule, 480 steps and 30 seeks stepping over any gap of up to 8
     * entries; each step is a native call, so this rule is the cheaper one.
     */
    private static final int MAX_STEPS = 8;

    /**
     * Visits {@code vm}'s events at {@code offsets} ({@code vm 0x00 offset} keys, so one VM's events are adjacent and
     * in offset order) in ascending offset order, each once, while {@code visitor} returns true: ONE forward scan
     * bounded by the least and greatest offset asked for, which steps to the next offset when it is at most
     * {@link #MAX_STEPS} offsets ahead and seeks when it is further. An offset with no stored event is passed over.
     * Only the events visited are copied and decoded; the entries stepped over have only their keys read.
     */
    public void getAll(String vm, long[] offsets, Visitor<V> visitor) {
        long[] wanted = offsets.clone();
        Arrays.sort(wanted);
        if (wanted.length == 0 || wanted[wanted.length - 1] < 0) {
            return;
        }
        long first = Math.max(0, wanted[0]);
        long last = wanted[wanted.length - 1];
        byte[] end = last == Long.MAX_VALUE ? Keys.prefixEnd(Keys.vmPrefix(vm)) : Keys.vmOffsetKey(vm, last + 1);
        try (CloseableIterator<Entry> it = store.scan(Column.EVENTS, Keys.vmOffsetKey(vm, first), end)) {
            long previous = -1;
            for (long want : wanted) {
                if (want == previous) {
                    continue;
                }
                previous = want;
                long at = offsetAt(it);
                if (at >= 0 && at < want && want - at > MAX_STEPS) {
                    it.seek(Keys.vmOffsetKey(vm, want));
                    at = offsetAt(it);
                }
                while (at >= 0 && at < want) {
                    it.skip();
                    at = offsetAt(it);
                }
                if (at < 0) {
                    return;
                }
                if (at == want && !visitor.visit(want, decode.apply(it.peekValue()))) {
                    return;
                }
            }
        }
    }

    /** The offset of the entry the scan is at, or -1 when it is exhausted (stored offsets are never negative). */
    private static long offsetAt(CloseableIterator<Entry> it) {
        byte[] key = it.peekKey();
        return key == null ? -1 : offsetOf(key);
    }

    /** The offset of a key of this VM's scan: its last 8 bytes (the VM id before them is the scan's bound). */
    private static long offsetOf(byte[] key) {
        return BigEndian.getLong(key, key.length - Long.BYTES);
    }

    /**
     * Visits {@code vm}'s events with offsets in [{@code from}, {@code to}] ({@code to} may be {@link Long#MAX_VALUE})
     * in offset order while {@code visitor} returns true: one bounded scan.
     */
    public void scan(String vm, long from, long to, Visitor<V> visitor) {
        if (to < from) {
            return;
        }
        byte[] start = Keys.vmOffsetKey(vm, Math.max(0, from));
        byte[] end = to == Long.MAX_VALUE ? Keys.prefixEnd(Keys.vmPrefix(vm)) : Keys.vmOffsetKey(vm, to + 1);
        try (CloseableIterator<Entry> it = store.scan(Column.EVENTS, start, end)) {
            while (it.hasNext()) {
                Entry e = it.next();
                if (!visitor.visit(Keys.decodeVmOffsetKey(e.key()).offset(), decode.apply(e.value()))) {
                    return;
                }
            }
        }
    }

    /** Offset of the VM's first stored event, if any (reads one key). */
    public OptionalLong firstOffset(String vm) {
        try (CloseableIterator<Entry> it = store.scanPrefix(Column.EVENTS, Keys.vmPrefix(vm))) {
            return it.hasNext() ? OptionalLong.of(Keys.decodeVmOffsetKey(it.next().key()).offset()) : OptionalLong.empty();
        }
    }

    /** Offset of the VM's last stored event at or after {@code from}, if any: one step of a reverse scan. */
    public OptionalLong lastOffset(String vm, long from) {
        try (CloseableIterator<Entry> it = store.scanReverse(Column.EVENTS, Keys.vmOffsetKey(vm, Math.max(0, from)),
                Keys.prefixEnd(Keys.vmPrefix(vm)))) {
            return it.hasNext() ? OptionalLong.of(Keys.decodeVmOffsetKey(it.next().key()).offset())
                    : OptionalLong.empty();
        }
    }

    /** Puts the event at {@code offset}, its {@code length} bytes written in place by {@code value}. */
    public void put(Batch batch, VmKeys vm, long offset, int length, Batch.ValueWriter value) {
        batch.put(Column.EVENTS, vm.offsetKey(offset), length, value);
    }
}
