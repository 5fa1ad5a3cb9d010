package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.FoldedEvent;
import org.mtrrledger.engine.consume.SkippedRecord;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.engine.consume.TimeTravel;
import org.mtrrledger.engine.consume.VmOverviewFold;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OutputTable;
import org.mtrrledger.engine.store.SkippedTable;
import org.mtrrledger.engine.store.VmOverviewTable;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * Read-only questions over the local store: no broker needed. Reads only through the store's typed tables (latest
 * states, event log, zap and hazard outputs, skipped records, offsets); every listing is one bounded scan, the
 * trigger events of listed zaps and hazards come from one ordered scan of the event log per chunk of records
 * ({@link #triggers}), not a read per record, and a VM's existence, last offset and partition are answered from its
 * head's header (the VM's state is not decoded to answer "no such VM").
 */
public final class LedgerQueries {
    private final LedgerStore store;
    private final Pipeline pipeline = new Pipeline(new PolicyProjection());
    private final TimeTravel timeTravel;
    /** Time travel of the fold state alone: memtype and state queries need no zap/hazard projection replay. */
    private final TimeTravel foldOnly;
    private final EventCodec codec = new EventCodec();
    /** The VMs' heads, read here only to list and look up VMs; their ledgers come caught up from time travel. */
    private final VmStateTable<VmLedger> states;
    /** The same table read for the heads' last offsets only (their headers). */
    private final VmStateTable<Long> lastOffsets;
    /** The same table read for the heads' partitions only (their headers). */
    private final VmStateTable<Integer> partitions;
    private final EventLog<FoldedEvent> events;
    /** The same log read for the fold's outcomes only (payloads not decoded). */
    private final EventLog<Outcome> outcomes;
    /** The same log read for the payloads only (events folded into a VM's overview). */
    private final EventLog<byte[]> payloads;
    private final VmOverviewTable overviews;
    private final OutputTable<ZapRecord> zaps;
    private final OutputTable<Hazard> hazards;
    private final SkippedTable<SkippedRecord> skipped;

    /** Questions over {@code store}, opened with {@link PolicyProjection#OUTPUTS} (its zap and hazard tables). */
    public LedgerQueries(LedgerStore store) {
        this.store = store;
        this.timeTravel = new TimeTravel(store, pipeline);
        this.foldOnly = new TimeTravel(store, new Pipeline(Projection.NONE));
        this.states = new VmStateTable<>(store, TimeTravel.ledgerCodec(pipeline));
        this.lastOffsets = TimeTravel.headOffsets(store);
        this.partitions = TimeTravel.headPartitions(store);
        this.events = new EventLog<>(store, FoldedEvent::decode);
        this.outcomes = new EventLog<>(store, FoldedEvent::outcomeOf);
        this.payloads = VmOverviewFold.payloads(store);
        this.overviews = new VmOverviewTable(store);
        this.zaps = OutputTable.of(store, PolicyProjection.ZAPS);
        this.hazards = OutputTable.of(store, PolicyProjection.HAZARDS);
        this.skipped = new SkippedTable<>(store, SkippedRecord.CODEC);
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
        return states.vms();
    }

    /**
     * Every VM's last folded offset, in VM id order: one scan that decodes only each head's header, then per VM the
     * keys of the events stored after its head (none once the engine has drained), so a caller can find the VMs that
     * changed before decoding any state.
     */
    public Map<String, Long> lastOffsets() {
        Map<String, Long> out = lastOffsets.all();
        out.replaceAll((vm, head) -> events.lastOffset(vm, head + 1).orElse(head));
        return out;
    }

    /**
     * The VM's last folded offset ({@link #latest}'s, without folding it): one key lookup decoding only the head's
     * header, then one step of a reverse scan over the events stored after the head. An unknown VM is an
     * {@link UnknownVmException}.
     */
    public long lastOffset(String vm) {
        Long head = lastOffsets.get(vm);
        if (head == null) {
            throw new UnknownVmException(vm, vms());
        }
        return events.lastOffset(vm, head + 1).orElse(head);
    }

    /**
     * The partition holding the VM's events ({@link #latest}'s, without folding it): one key lookup decoding only the
     * head's header. An unknown VM is an {@link UnknownVmException}.
     */
    public int partition(String vm) {
        Integer p = partitions.get(vm);
        if (p == null) {
            throw new UnknownVmException(vm, vms());
        }
        return p;
    }

    /** Throws {@link UnknownVmException} unless the store has folded an event of {@code vm} (one key lookup). */
    public void requireVm(String vm) {
        if (!states.contains(vm)) {
            throw new UnknownVmException(vm, vms());
        }
    }

    /** The latest ledger of a VM (its head caught up with the event log), or an error naming the known VMs. */
    public VmLedger latest(String vm) {
        return known(vm, timeTravel.latest(vm));
    }

    /** The ledger at an offset (latest when null). */
    public VmLedger at(String vm, Long offset) {
        return known(vm, timeTravel.at(vm, offset == null ? Long.MAX_VALUE : offset));
    }

    private VmLedger known(String vm, VmLedger ledger) {
        if (ledger == null) {
            throw new UnknownVmException(vm, vms());
        }
        return ledger;
    }

    /**
     * The fold state at an offset (latest when null), without the projection: the checkpoint's projection part is
     * skipped and the replay runs the folds alone (KVM's and the per-VM copy's), which is what memtype, state, diff
     * and divergence need. {@link VmLedger#projection()} of the result is empty.
     */
    public VmLedger foldAt(String vm, Long offset) {
        return known(vm, foldOnly.at(vm, offset == null ? Long.MAX_VALUE : offset));
    }

    /** Next offset to consume per partition of the events topic: how far the store has caught up. */
    public Map<Integer, Long> storedOffsets() {
        return store.meta().nextOffsets(topic());
    }

    public String topic() {
        return store.meta().topic().orElse(EngineConfig.DEFAULT_TOPIC);
    }

    /** The VM's event at {@code offset} with its stored outcome, or an error naming the VM or the offset. */
    public StoredEvent event(String vm, long offset) {
        FoldedEvent fe = events.get(vm, offset);
        if (fe == null) {
            throw noEvent(vm, offset);
        }
        return stored(vm, topic(), offset, fe);
    }

    /** The error for a missing event: the unknown VM's ({@link #requireVm}) if there is no such VM. */
    private IllegalArgumentException noEvent(String vm, long offset) {
        requireVm(vm);
        return new IllegalArgumentException("VM '" + vm + "' has no event at offset " + offset);
    }

    /** The VM's events with offsets in [from, to]. */
    public List<StoredEvent> events(String vm, long from, long to) {
        List<StoredEvent> out = new ArrayList<>();
        events(vm, from, to, out::add);
        return out;
    }

    /** Visits the VM's events with offsets in [from, to] in log order while {@code visitor} returns true. */
    public void events(String vm, long from, long to, Predicate<StoredEvent> visitor) {
        requireVm(vm);
        String topic = topic();
        events.scan(vm, from, to, (offset, fe) -> visitor.test(stored(vm, topic, offset, fe)));
    }

    private StoredEvent stored(String vm, String topic, long offset, FoldedEvent fe) {
        return new StoredEvent(vm, new EventRef(topic, fe.partition(), offset), codec.decode(fe.payload()),
                fe.outcome());
    }

    /**
     * How many of the VM's stored events the fold gave {@code status}: one scan of the event log decoding only the
     * outcomes, not the payloads.
     */
    public long countOutcomes(String vm, Outcome.Status status) {
        requireVm(vm);
        long[] n = {0};
        outcomes.scan(vm, 0, Long.MAX_VALUE, (offset, o) -> {
            if (o.status() == status) {
                n[0]++;
            }
            return true;
        });
        return n[0];
    }

    /**
     * The VM's overview over all its stored events (count, first offset, trace times, source files): its stored
     * overview, as of its head, plus the events stored after it (at most {@code LedgerWriter.MAX_HEAD_LAG} while the
     * engine folds, none once it has drained), one bounded scan. A VM of a store folded by a build without overviews
     * has none stored: then the scan is of all its events. An unknown VM is an {@link UnknownVmException}.
     */
    public VmOverviewTable.Overview overview(String vm) {
        return overview(vm, Long.MAX_VALUE);
    }

    /**
     * {@link #overview(String)} of the VM's events up to offset {@code to}: bounded by a ledger read just before
     * ({@code latest(vm).lastOffset()}), the two agree even while an engine commits more events in between.
     */
    public VmOverviewTable.Overview overview(String vm, long to) {
        requireVm(vm);
        return VmOverviewFold.read(overviews, payloads, codec, vm, to).overview();
    }

    /** Offset of the VM's first stored event (its last one is {@link #latest}'s). */
    public long firstOffset(String vm) {
        requireVm(vm);
        OptionalLong first = events.firstOffset(vm);
        return first.isPresent() ? first.getAsLong() : lastOffset(vm);
    }

    /**
     * The VM's events at {@code offsets} (any order, repeats allowed) by offset, in ascending offset order: ONE
     * ordered scan of the event log that steps over short gaps and seeks over long ones ({@link EventLog#getAll}),
     * not a point read per offset. An offset without a stored event has no entry; nothing of another VM is read.
     */
    public SortedMap<Long, StoredEvent> triggers(String vm, long[] offsets) {
        SortedMap<Long, StoredEvent> out = new TreeMap<>();
        String topic = topic();
        events.getAll(vm, offsets, (offset, fe) -> {
            out.put(offset, stored(vm, topic, offset, fe));
            return true;
        });
        return out;
    }

    /** The trigger offsets of {@code records}, for {@link #triggers}. */
    private static <R> long[] offsetsOf(List<R> records, ToLongFunction<R> offset) {
        long[] out = new long[records.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = offset.applyAsLong(records.get(i));
        }
        return out;
    }

    /**
     * {@link #triggers} of {@code records}' offsets. A record whose trigger is not stored is an
     * {@link IllegalArgumentException} naming the VM and the offset, as {@link #event} says.
     */
    public <R> Map<Long, StoredEvent> triggersOf(String vm, List<R> records,
            ToLongFunction<R> offset) {
        Map<Long, StoredEvent> found = triggers(vm, offsetsOf(records, offset));
        for (R r : records) {
            if (!found.containsKey(offset.applyAsLong(r))) {
                throw noEvent(vm, offset.applyAsLong(r));
            }
        }
        return found;
    }

    /** Receives a zap or hazard with the event that triggered it; returning false stops the listing. */
    @FunctionalInterface
    public interface TriggeredVisitor<R> {
        boolean visit(R record, StoredEvent trigger);
    }

    /** How many records a triggered listing gathers before resolving their triggers with one {@link #triggers}. */
    static final int TRIGGER_CHUNK = 256;

    /**
     * Visits the zaps of a policy for a VM from position ({@code fromOffset}, {@code fromSeq}) up to trigger offset
     * {@code to}, those {@code keep} accepts, each with its trigger event, in log order while {@code visitor} returns
     * true: one scan of the zaps, and per {@link #TRIGGER_CHUNK} kept zaps one ordered scan of the event log for
     * their triggers. A zap whose trigger is not stored is an {@link IllegalArgumentException} as {@link #event} says.
     */
    public void zapsWithTriggers(String vm, PolicyId policy, long fromOffset, int fromSeq, long to,
            Predicate<ZapRecord> keep, TriggeredVisitor<ZapRecord> visitor) {
        Chunks<ZapRecord> chunks = new Chunks<>(vm, ZapRecord::offset, keep, visitor);
        zaps.scan(vm, policy.code, fromOffset, fromSeq, to, (o, seq, z) -> chunks.add(z));
        chunks.flush();
    }

    /** As {@link #zapsWithTriggers}, hazards. */
    public void hazardsWithTriggers(String vm, PolicyId policy, long fromOffset, int fromSeq, long to,
            Predicate<Hazard> keep, TriggeredVisitor<Hazard> visitor) {
        Chunks<Hazard> chunks = new Chunks<>(vm, Hazard::offset, keep, visitor);
        hazards.scan(vm, policy.code, fromOffset, fromSeq, to, (o, seq, h) -> chunks.add(h));
        chunks.flush();
    }

    /** Kept records gathered up to {@link #TRIGGER_CHUNK}, then handed out with their triggers. */
    private final class Chunks<R> {
        private final String vm;
        private final ToLongFunction<R> offset;
        private final Predicate<R> keep;
        private final TriggeredVisitor<R> visitor;
        private final List<R> pending = new ArrayList<>(TRIGGER_CHUNK);
        private boolean stopped;

        Chunks(String vm, ToLongFunction<R> offset, Predicate<R> keep,
                TriggeredVisitor<R> visitor) {
            this.vm = vm;
            this.offset = offset;
            this.keep = keep;
            this.visitor = visitor;
        }

        /** Takes a scanned record; false once the visitor has stopped the listing. */
        boolean add(R record) {
            if (keep.test(record)) {
                pending.add(record);
                if (pending.size() == TRIGGER_CHUNK) {
                    flush();
                }
            }
            return !stopped;
        }

        void flush() {
            if (stopped || pending.isEmpty()) {
                return;
            }
            Map<Long, StoredEvent> found = triggersOf(vm, pending, offset);
            for (R r : pending) {
                if (!visitor.visit(r, found.get(offset.applyAsLong(r)))) {
                    stopped = true;
                    break;
                }
            }
            pending.clear();
        }
    }

    /** Zaps of a policy for a VM whose trigger offset is in [from, to], in log order. */
    public List<ZapRecord> zaps(String vm, PolicyId policy, long from, long to) {
        List<ZapRecord> out = new ArrayList<>();
        zaps.scan(vm, policy.code, from, 0, to, (o, seq, z) -> out.add(z));
        return out;
    }

    /**
     * Visits the zaps of a policy for a VM from position (offset {@code fromOffset}, seq {@code fromSeq}) on, up to
     * trigger offset {@code to} inclusive, in log order, while {@code visitor} returns true: the resumable scan behind
     * paged zap listings.
     */
    public void zaps(String vm, PolicyId policy, long fromOffset, int fromSeq, long to,
            Predicate<ZapRecord> visitor) {
        zaps.scan(vm, policy.code, fromOffset, fromSeq, to, (o, seq, z) -> visitor.test(z));
    }

    public List<Hazard> hazards(String vm, PolicyId policy, long from, long to) {
        List<Hazard> out = new ArrayList<>();
        hazards.scan(vm, policy.code, from, 0, to, (o, seq, h) -> out.add(h));
        return out;
    }

    /** A record the fold skipped under {@code --poison SKIP}, where it sits in the log. */
    public record Skipped(int partition, long offset, SkippedRecord record) {
    }

    /**
     * Visits the skipped records in (partition, offset) order from position ({@code fromPartition},
     * {@code fromOffset}) on, only those of {@code onlyPartition} unless it is null, while {@code visitor} returns true.
     */
    public void skipped(Integer onlyPartition, int fromPartition, long fromOffset,
            Predicate<Skipped> visitor) {
        skipped.scan(onlyPartition, fromPartition, fromOffset, (p, o, r) -> visitor.test(new Skipped(p, o, r)));
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
