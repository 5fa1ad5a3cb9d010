package org.mtrrledger.projections.query;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.FoldedEvent;
import org.mtrrledger.engine.consume.SkippedRecord;
import org.mtrrledger.engine.consume.TimeTravel;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.CloseableIterator;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.Entry;
import org.mtrrledger.engine.store.Keys;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.Values;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/** Read-only questions over the local store: no broker needed. */
public final class LedgerQueries {
    private final LedgerStore store;
    private final Pipeline pipeline = new Pipeline(new PolicyProjection());
    private final TimeTravel timeTravel;
    /** Time travel of the fold state alone: memtype and state queries need no zap/hazard projection replay. */
    private final TimeTravel foldOnly;
    private final EventCodec codec = new EventCodec();

    public LedgerQueries(LedgerStore store) {
        this.store = store;
        this.timeTravel = new TimeTravel(store, pipeline);
        this.foldOnly = new TimeTravel(store, new Pipeline(org.mtrrledger.engine.pipeline.Projection.NONE));
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    /** Time travel of the fold state alone (see {@link #foldAt}). */
    public TimeTravel foldTimeTravel() {
        return foldOnly;
    }

    public TimeTravel timeTravel() {
        return timeTravel;
    }

    /** Every VM the store has folded, sorted. */
    public List<String> vms() {
        List<String> out = new ArrayList<>();
        try (CloseableIterator<Entry> it = store.scan(Column.VM_STATE, new byte[0], null)) {
            while (it.hasNext()) {
                out.add(new String(it.next().key(), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** The latest ledger of a VM, or an error naming the known VMs. */
    public VmLedger latest(String vm) {
        byte[] b = store.get(Column.VM_STATE, Keys.vmKey(vm));
        if (b == null) {
            throw new UnknownVmException(vm, vms());
        }
        return VmLedger.decode(b, pipeline.projection());
    }

    /** The ledger at an offset (latest when null). */
    public VmLedger at(String vm, Long offset) {
        VmLedger latest = latest(vm);
        if (offset == null || offset >= latest.lastOffset()) {
            return latest;
        }
        return timeTravel.at(vm, offset);
    }

    /**
     * The fold state at an offset (latest when null), without the projection: the checkpoint's projection part is
     * skipped and the replay runs {@link org.mtrrledger.engine.fold.Fold} alone, which is what memtype, state, diff
     * and divergence need. {@link VmLedger#projection()} of the result is empty.
     */
    public VmLedger foldAt(String vm, Long offset) {
        VmLedger latest = latest(vm);
        if (offset == null || offset >= latest.lastOffset()) {
            return latest;
        }
        return foldOnly.at(vm, offset);
    }

    /** Next offset to consume per partition of the events topic: how far the store has caught up. */
    public Map<Integer, Long> storedOffsets() {
        Map<Integer, Long> out = new TreeMap<>();
        byte[] prefix = ("offset/" + topic() + "/").getBytes(StandardCharsets.UTF_8);
        try (CloseableIterator<Entry> it = store.scanPrefix(Column.META, prefix)) {
            while (it.hasNext()) {
                Entry e = it.next();
                String k = new String(e.key(), StandardCharsets.UTF_8);
                out.put(Integer.parseInt(k.substring(k.lastIndexOf('/') + 1)), Values.asLong(e.value()));
            }
        }
        return out;
    }

    public String topic() {
        byte[] t = store.get(Column.META, Keys.metaTopicKey());
        return t == null ? EngineConfig.DEFAULT_TOPIC : new String(t, StandardCharsets.UTF_8);
    }

    /** One stored event with its outcome. */
    public record StoredEvent(String vm, int partition, long offset, MtrrEvent event, FoldedEvent folded) {
    }

    public StoredEvent event(String vm, long offset) {
        byte[] stored = store.get(Column.EVENTS, Keys.vmOffsetKey(vm, offset));
        if (stored == null) {
            latest(vm);
            throw new IllegalArgumentException("VM '" + vm + "' has no event at offset " + offset);
        }
        FoldedEvent fe = FoldedEvent.decode(stored);
        return new StoredEvent(vm, fe.partition(), offset, codec.decode(fe.payload()), fe);
    }

    /** The VM's events with offsets in [from, to]. */
    public List<StoredEvent> events(String vm, long from, long to) {
        List<StoredEvent> out = new ArrayList<>();
        events(vm, from, to, out::add);
        return out;
    }

    /** Visits the VM's events with offsets in [from, to] in log order while {@code visitor} returns true. */
    public void events(String vm, long from, long to, java.util.function.Predicate<StoredEvent> visitor) {
        latest(vm);
        if (to < from) {
            return;
        }
        try (CloseableIterator<Entry> it = timeTravel.events(vm, from, to)) {
            while (it.hasNext()) {
                Entry e = it.next();
                FoldedEvent fe = FoldedEvent.decode(e.value());
                if (!visitor.test(new StoredEvent(vm, fe.partition(), Keys.decodeVmOffsetKey(e.key()).offset(),
                        codec.decode(fe.payload()), fe))) {
                    return;
                }
            }
        }
    }

    /** Offset of the VM's first stored event (its last one is {@link #latest}'s). */
    public long firstOffset(String vm) {
        VmLedger l = latest(vm);
        try (CloseableIterator<Entry> it = timeTravel.events(vm, 0, Long.MAX_VALUE)) {
            return it.hasNext() ? Keys.decodeVmOffsetKey(it.next().key()).offset() : l.lastOffset();
        }
    }

    /** Zaps of a policy for a VM whose trigger offset is in [from, to], in log order. */
    public List<ZapRecord> zaps(String vm, PolicyId policy, long from, long to) {
        List<ZapRecord> out = new ArrayList<>();
        scan(Column.ZAPS, vm, policy, from, to, v -> out.add(ZapRecord.decode(v)));
        return out;
    }

    /**
     * Visits the zaps of a policy for a VM from position (offset {@code fromOffset}, seq {@code fromSeq}) on, up to
     * trigger offset {@code to} inclusive, in log order, while {@code visitor} returns true: the resumable scan behind
     * paged zap listings.
     */
    public void zaps(String vm, PolicyId policy, long fromOffset, int fromSeq, long to,
            java.util.function.Predicate<ZapRecord> visitor) {
        byte[] start = Keys.vmPolicyOffsetKey(vm, policy.code, Math.max(0, fromOffset), Math.max(0, fromSeq));
        byte[] end = to == Long.MAX_VALUE ? Keys.prefixEnd(Keys.vmPolicyPrefix(vm, policy.code))
                : Keys.vmPolicyOffsetKey(vm, policy.code, to + 1, 0);
        try (CloseableIterator<Entry> it = store.scan(Column.ZAPS, start, end)) {
            while (it.hasNext()) {
                if (!visitor.test(ZapRecord.decode(it.next().value()))) {
                    return;
                }
            }
        }
    }

    public List<Hazard> hazards(String vm, PolicyId policy, long from, long to) {
        List<Hazard> out = new ArrayList<>();
        scan(Column.HAZARDS, vm, policy, from, to, v -> out.add(Hazard.decode(v)));
        return out;
    }

    private void scan(Column c, String vm, PolicyId p, long from, long to, java.util.function.Consumer<byte[]> f) {
        byte[] start = Keys.vmPolicyOffsetKey(vm, p.code, Math.max(0, from), 0);
        byte[] end = to == Long.MAX_VALUE ? Keys.prefixEnd(Keys.vmPolicyPrefix(vm, p.code))
                : Keys.vmPolicyOffsetKey(vm, p.code, to + 1, 0);
        try (CloseableIterator<Entry> it = store.scan(c, start, end)) {
            while (it.hasNext()) {
                f.accept(it.next().value());
            }
        }
    }

    /** A record the fold skipped under {@code --poison SKIP}, where it sits in the log. */
    public record Skipped(int partition, long offset, SkippedRecord record) {
    }

    /**
     * Visits the skipped records in (partition, offset) order from position ({@code fromPartition},
     * {@code fromOffset}) on, only those of {@code onlyPartition} unless it is null, while {@code visitor} returns true.
     */
    public void skipped(Integer onlyPartition, int fromPartition, long fromOffset,
            java.util.function.Predicate<Skipped> visitor) {
        byte[] start = Keys.partitionOffsetKey(fromPartition, fromOffset);
        byte[] end = onlyPartition == null ? null : Keys.prefixEnd(Keys.partitionPrefix(onlyPartition));
        if (end != null && java.util.Arrays.compareUnsigned(start, end) >= 0) {
            return;
        }
        try (CloseableIterator<Entry> it = store.scan(Column.SKIPPED, start, end)) {
            while (it.hasNext()) {
                Entry e = it.next();
                Keys.PartitionOffset at = Keys.decodePartitionOffsetKey(e.key());
                if (!visitor.test(new Skipped(at.partition(), at.offset(), SkippedRecord.decode(e.value())))) {
                    return;
                }
            }
        }
    }

    /** No such VM in the store. */
    public static final class UnknownVmException extends IllegalArgumentException {
        public UnknownVmException(String vm, List<String> known) {
            super("unknown VM '" + vm + "'" + Names.didYouMean(vm, known) + (known.isEmpty() ? " (the store has no VMs yet: run `mtrr run` or "
                    + "`mtrr replay`)" : " (known: " + String.join(", ", known.subList(0, Math.min(10, known.size())))
                    + (known.size() > 10 ? ", ... " + known.size() + " in all" : "") + ")"));
        }
    }
}
