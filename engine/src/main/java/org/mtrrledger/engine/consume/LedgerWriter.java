package org.mtrrledger.engine.consume;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.Batch;
import org.mtrrledger.engine.store.CheckpointTable;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.MetaTable;
import org.mtrrledger.engine.store.OutputSpec;
import org.mtrrledger.engine.store.OutputTable;
import org.mtrrledger.engine.store.SkippedTable;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.engine.store.VmKeys;
import org.mtrrledger.engine.store.VmOverviewTable;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.codec.UnknownSchemaException;
import org.mtrrledger.events.parse.EventRules;
import org.mtrrledger.events.parse.Printable;

/**
 * Folds log records into the store. Everything one {@link #apply} call produces (event index entries, zaps, hazards,
 * checkpoints, the heads of VMs whose stored head fell behind with their overviews, and the next offset of each
 * partition) goes into ONE {@link Batch}: after a crash the store holds either all of it or none of it, and the
 * stored offsets say exactly where to resume (exactly-once effect without Kafka transactions on the read side).
 *
 * <p>Whatever bytes a record holds, it is either folded or poison: too big, undecodable, breaking {@link EventRules}
 * (the limits ingest enforces, so only another producer writes such records), or a VM's record on a partition other
 * than its VM id's (where the publisher puts every event of the VM, hashing the id as Kafka's default partitioner
 * does; per-partition folds of one VM would each see only part of its history). Under {@link PoisonPolicy#FAIL} a
 * poison record stops the fold with {@link PoisonRecordException}; under {@link PoisonPolicy#SKIP} it is listed in
 * the {@link SkippedTable} with the reason, and every other record of the poll is folded.
 *
 * <p>Per folded event the batch gets one record in the {@link EventLog} (event and outcome), one value per output
 * and policy with records in the {@link OutputTable} the projection declared for that output, and every K events of
 * the VM a checkpoint. The VM's head in the {@link VmStateTable} is written when a poll leaves it {@link #MAX_HEAD_LAG}
 * or more events behind the VM's ledger (and at the VM's first poll, so that the table lists every folded VM), and
 * every stale head at {@link #drain}: readers catch a head up from the event log, as time travel does from a
 * checkpoint. Each head goes with the VM's overview as of the same offset ({@link VmOverviewTable}), which the
 * writer folds per event beside the VM's ledger. A host's trace interleaves its VMs, so a poll touches most of them;
 * writing every touched VM's ledger (kilobytes each) per poll cost more than the poll's events themselves
 * (bench/README.md, "Interleaved logs").
 *
 * <p>A poll is taken in two passes. The first, in log order, decodes and checks every record, so that poison is met
 * (and, under {@link PoisonPolicy#FAIL}, reported) in log order. The second folds VM by VM, in VM id order, each VM's
 * events in log order: VMs are independent, so the results are those of log order, while a VM's ledger and memo stay
 * warm across its events and each column family's keys (all VM-first) ascend through the batch, which RocksDB's
 * skip list inserts fastest (an insert resumes from where the previous one ended).
 *
 * <p>VM ledgers are cached between calls; {@link #forget} drops those of revoked partitions, and a poll that fails
 * while folding drops them all (its batch is discarded, so the cache would be ahead of the store).
 */
public final class LedgerWriter {
    /**
     * A poll writes a VM's head when its ledger is this many events past the stored one: it bounds what a reader
     * replays to answer "latest" while the engine folds (a few milliseconds of refolding), and leaves a VM that gets
     * a few dozen events per poll written once every several polls.
     */
    public static final int MAX_HEAD_LAG = 256;
    private final LedgerStore store;
    private final MetaTable meta;
    private final VmStateTable<VmLedger> states;
    private final CheckpointTable<VmLedger> checkpoints;
    /** Brings a stored head up to the last stored event of its VM when the VM's ledger is not cached. */
    private final TimeTravel catchUp;
    /** The heads read for their last offsets only (their headers). */
    private final VmStateTable<Long> lastOffsets;
    private final EventLog<FoldedEvent> events;
    /** The same log read for payloads only: a stored VM overview's catch-up up to its head. */
    private final EventLog<byte[]> payloads;
    private final VmOverviewTable overviews;
    /** The projection's declared outputs, by {@link ProjectionRecord#output()}. */
    private final List<OutputTable<byte[]>> outputs = new ArrayList<>();
    private final SkippedTable<SkippedRecord> skipped;
    /** Scratch: one event's records of one output and policy. */
    private final List<byte[]> group = new ArrayList<>();
    private final StoreWrites writes;
    private final Pipeline pipeline;
    private final EventCodec codec = new EventCodec();
    private final long checkpointEvery;
    private final PoisonPolicy poison;
    private final Map<String, Slot> ledgers = new HashMap<>();
    /** Counted by the folding thread; published to {@link #folded}/{@link #rejected} once a poll is folded. */
    private long foldedWork;
    private long rejectedWork;
    private volatile long folded;

    /**
     * A cached VM ledger with its keys (encoded once per VM, not per event) and the partition its id hashes to (-1
     * while the partition count is unknown).
     */
    private static final class Slot {
        final VmLedger ledger;
        final VmKeys keys;
        final int home;
        /** The VM's overview as of the ledger's last offset, put with each head. */
        final VmOverviewFold overview;
        /** The ledger's event count when its head was last put in a batch; -1 while the store has no head. */
        long headCount;

        Slot(VmLedger ledger, VmKeys keys, int home, long headCount, VmOverviewFold overview) {
            this.ledger = ledger;
            this.keys = keys;
            this.home = home;
            this.overview = overview;
            this.headCount = headCount;
        }

        VmLedger ledger() {
            return ledger;
        }

        boolean headStale(long maxLag) {
            return headCount < 0 || ledger.vm().eventCount() - headCount >= maxLag;
        }
    }
    private volatile long rejected;
    private boolean topicRecorded;
    /** The topic's partition count, which decides each VM's partition; 0 while unknown (not checked then). */
    private int partitionCount;

    /** Why a record cannot be folded: stackless control flow, one per poison record. */
    private static final class Unfoldable extends Exception {
        private static final long serialVersionUID = 1L;

        Unfoldable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** A writer whose {@link #apply} has written its batch when it returns. */
    public LedgerWriter(LedgerStore store, Pipeline pipeline, long checkpointEvery, PoisonPolicy poison) {
        this(store, StoreWrites.inline(store), pipeline, checkpointEvery, poison);
    }

    /**
     * A writer that hands its batches to {@code writes}; with {@link StoreWrites#pipelined} call {@link #drain}
     * before relying on the store holding everything applied so far.
     */
    public LedgerWriter(LedgerStore store, StoreWrites writes, Pipeline pipeline, long checkpointEvery,
            PoisonPolicy poison) {
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException("checkpoint interval must be >= 1, was " + checkpointEvery);
        }
        this.store = store;
        ValueCodec<VmLedger> ledgers = TimeTravel.ledgerCodec(pipeline);
        this.meta = store.meta();
        this.states = new VmStateTable<>(store, ledgers);
        this.checkpoints = new CheckpointTable<>(store, ledgers);
        this.catchUp = new TimeTravel(store, pipeline);
        this.lastOffsets = TimeTravel.headOffsets(store);
        this.events = new EventLog<>(store, FoldedEvent::decode);
        this.payloads = VmOverviewFold.payloads(store);
        this.overviews = new VmOverviewTable(store);
        for (OutputSpec<?> o : pipeline.projection().outputs()) {
            outputs.add(OutputTable.raw(store, o));
        }
        this.skipped = new SkippedTable<>(store, SkippedRecord.CODEC);
        this.writes = writes;
        this.pipeline = pipeline;
        this.checkpointEvery = checkpointEvery;
        this.poison = poison;
    }

    /**
     * The topic's partition count, so that a VM's record on another partition than its id hashes to is poison. Call
     * it between polls (as a rebalance does, after draining).
     */
    public void partitions(int count) {
        if (count != partitionCount) {
            partitionCount = count;
            ledgers.clear(); // the store holds every ledger; cached ones are re-read and re-checked
        }
    }

    /**
     * Writes the head of every VM whose stored one is behind its ledger, then returns once every batch applied so far
     * is in the store (rethrows a failed write): after it the {@link VmStateTable} holds every VM's latest ledger.
     */
    public void drain() {
        Batch batch = null;
        for (Slot s : ledgers.values()) {
            if (s.headStale(1)) {
                if (batch == null) {
                    batch = store.newBatch(64 * 1024);
                }
                putHead(batch, s);
            }
        }
        if (batch != null) {
            writes.submit(batch);
        }
        writes.drain();
    }

    /**
     * Caches, caught up, the ledger of every VM whose stored head is behind the VM's stored events and not cached
     * here (a writer killed before it drained leaves such heads), so that the next {@link #drain} writes their
     * heads too. A head per VM header and one key seek per VM, plus the refold of the stale ones: the engine calls it
     * once, when it is first idle.
     */
    public void adoptStaleHeads() {
        lastOffsets.all().forEach((vm, head) -> {
            if (!ledgers.containsKey(vm) && events.lastOffset(vm, head + 1).isPresent()) {
                ledgers.put(vm, load(vm, VmKeys.of(vm), homeOf(vm)));
            }
        });
    }

    /** Puts the VM's head and, as of the same offset, its overview. */
    private void putHead(Batch batch, Slot s) {
        states.put(batch, s.keys, s.ledger);
        overviews.put(batch, s.keys, s.overview.overview());
        s.headCount = s.ledger.vm().eventCount();
    }

    /** Folds the records (in log order per partition) and commits them with the next offsets, atomically. */
    public void apply(List<LogRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        Set<Slot> touched = new HashSet<>();
        Map<String, long[]> nextOffsets = new HashMap<>();
        Batch batch = store.newBatch(expectedBatchBytes(records));
        boolean folding = false;
        try {
            if (!topicRecorded) {
                meta.putTopic(batch, records.get(0).ref().topic());
                topicRecorded = true;
            }
            Map<Slot, List<Foldable>> byVm = new HashMap<>();
            LogRecord previous = null;
            for (LogRecord r : records) {
                check(r, batch, byVm);
                // Polls come grouped by partition: note the next offset once per run of one partition's records.
                if (previous != null && (r.ref().partition() != previous.ref().partition()
                        || !r.ref().topic().equals(previous.ref().topic()))) {
                    noteNext(nextOffsets, previous);
                }
                previous = r;
            }
            noteNext(nextOffsets, previous);
            List<Slot> vms = new ArrayList<>(byVm.keySet());
            vms.sort((a, b) -> a.ledger().vm().vm().compareTo(b.ledger().vm().vm()));
            folding = true;
            for (Slot slot : vms) {
                for (Foldable f : byVm.get(slot)) {
                    foldOne(f, batch, touched);
                }
            }
            for (Slot l : touched) {
                if (l.headStale(MAX_HEAD_LAG)) {
                    putHead(batch, l);
                }
            }
            for (Map.Entry<String, long[]> e : nextOffsets.entrySet()) {
                String topic = e.getKey().substring(0, e.getKey().indexOf('\u0000'));
                meta.putNextOffset(batch, topic, (int) e.getValue()[0], e.getValue()[1]);
            }
        } catch (RuntimeException | Error e) {
            batch.close();
            if (folding) {
                ledgers.clear();
            }
            foldedWork = folded;
            rejectedWork = rejected;
            throw e;
        }
        folded = foldedWork;
        rejected = rejectedWork;
        try {
            writes.submit(batch);
        } catch (RuntimeException | Error e) {
            // The cached ledgers already hold this batch's events: a caller that carries on must not skip them.
            ledgers.clear();
            throw e;
        }
    }

    private static void noteNext(Map<String, long[]> nextOffsets, LogRecord r) {
        EventRef ref = r.ref();
        long[] next = nextOffsets.computeIfAbsent(ref.topic() + "\u0000" + ref.partition(),
                k -> new long[] {ref.partition(), 0});
        next[1] = Math.max(next[1], ref.offset() + 1);
    }

    /**
     * Each record is stored verbatim with its outcome and typically a few zap and hazard records: about three
     * times its size, measured on generated fleets. Only a hint for the batch buffer.
     */
    private static int expectedBatchBytes(List<LogRecord> records) {
        long bytes = 4096;
        for (LogRecord r : records) {
            bytes += 3L * (r.value() == null ? 0 : r.value().length) + 64;
        }
        return (int) Math.min(bytes, 256L << 20);
    }

    /** A record that passed {@link #check}: its event and its VM's cached ledger. */
    private record Foldable(LogRecord record, MtrrEvent event, Slot slot) {
    }

    /**
     * Decodes and checks the record, then adds it to its VM's records in {@code pending} (this poll's, not yet
     * folded), unless it is poison: then it is thrown under FAIL and listed as skipped under SKIP. A VM new to this
     * poll has no partition in its ledger yet, so its first record here claims one.
     */
    private void check(LogRecord r, Batch batch, Map<Slot, List<Foldable>> pending) {
        EventRef ref = r.ref();
        try {
            MtrrEvent e = foldable(r);
            Slot slot = slot(e.getVm(), r);
            List<Foldable> vmRecords = pending.computeIfAbsent(slot, k -> new ArrayList<>());
            if (slot.ledger().partition() < 0 && !vmRecords.isEmpty()) {
                checkSamePartition(e.getVm(), vmRecords.get(0).record().ref().partition(), r);
            }
            vmRecords.add(new Foldable(r, e, slot));
        } catch (Unfoldable u) {
            if (poison == PoisonPolicy.FAIL) {
                throw new PoisonRecordException(r, u.getMessage());
            }
            skipped.put(batch, ref.partition(), ref.offset(), new SkippedRecord(r.key(), r.value(), u.getMessage()));
            rejectedWork++;
        }
    }

    private void foldOne(Foldable f, Batch batch, Set<Slot> touched) {
        LogRecord r = f.record();
        EventRef ref = r.ref();
        MtrrEvent e = f.event();
        Slot slot = f.slot();
        VmLedger ledger = slot.ledger();
        if (ledger.lastOffset() >= ref.offset()) {
            return;
        }
        Pipeline.Step step = pipeline.step(ledger, ref, e);
        touched.add(slot);
        foldedWork++;
        // An ignored write (an MSR outside KVM's MTRR code) is part of the log, not a rejection.
        if (step.fold().outcome().status() == Outcome.Status.REJECTED) {
            rejectedWork++;
        }
        FoldedEvent.put(events, batch, slot.keys, ref.offset(), ref.partition(), r.value(),
                step.fold().outcome());
        putOutputs(batch, slot.keys, ref.offset(), step.records());
        slot.overview.add(ref.offset(), e);
        if (ledger.vm().eventCount() % checkpointEvery == 0) {
            checkpoints.put(batch, slot.keys, ref.offset(), ledger);
        }
    }

    /**
     * Puts the event's projection records, one value per (output, policy): each group is written at its seq-0 record,
     * with the records of the same output and policy that follow it, whose seqs must be 1, 2, ... in that order.
     */
    private void putOutputs(Batch batch, VmKeys keys, long offset, List<ProjectionRecord> records) {
        int written = 0;
        for (int i = 0; i < records.size(); i++) {
            ProjectionRecord first = records.get(i);
            if (first.seq() != 0) {
                continue;
            }
            group.clear();
            for (int j = i; j < records.size(); j++) {
                ProjectionRecord p = records.get(j);
                if (p.output() == first.output() && p.policyId() == first.policyId()) {
                    if (p.seq() != group.size()) {
                        throw new IllegalStateException("projection record seq " + p.seq() + " where "
                                + group.size() + " was due (output " + p.output() + ", policy " + p.policyId() + ")");
                    }
                    group.add(p.value());
                }
            }
            output(first.output()).put(batch, keys, first.policyId(), offset, group);
            written += group.size();
        }
        if (written != records.size()) {
            throw new IllegalStateException("projection records without a seq-0 record of their output and policy: "
                    + records);
        }
    }

    private OutputTable<byte[]> output(int index) {
        if (index < 0 || index >= outputs.size()) {
            throw new IllegalStateException("projection record for output " + index + ", but the projection declares "
                    + outputs.size() + " outputs");
        }
        return outputs.get(index);
    }

    /** The record's event, if it is one the fold can take. */
    private MtrrEvent foldable(LogRecord r) throws Unfoldable {
        MtrrEvent e;
        try {
            e = codec.decode(r.value());
        } catch (UnknownSchemaException ex) {
            throw new Unfoldable("undecodable record: " + ex.getMessage());
        }
        Optional<String> invalid = EventRules.violation(e);
        if (invalid.isEmpty()) {
            invalid = EventRules.recordViolation(r.value().length);
        }
        if (invalid.isPresent()) {
            throw new Unfoldable("invalid event: " + invalid.get());
        }
        return e;
    }

    /** The VM's cached ledger, if the record is on the VM's partition (a VM on a wrong one is not cached). */
    private Slot slot(String vm, LogRecord r) throws Unfoldable {
        Slot l = ledgers.get(vm);
        if (l == null) {
            int home = homeOf(vm);
            checkHome(vm, home, r);
            l = load(vm, VmKeys.of(vm), home);
            ledgers.put(vm, l);
        } else {
            checkHome(vm, l.home, r);
        }
        int partition = l.ledger().partition();
        if (partition >= 0) {
            checkSamePartition(vm, partition, r);
        }
        return l;
    }

    /** The partition the VM's id hashes to, as the publisher places it; -1 while the partition count is unknown. */
    private int homeOf(String vm) {
        return partitionCount > 0 ? BuiltInPartitioner.partitionForKey(
                vm.getBytes(java.nio.charset.StandardCharsets.UTF_8), partitionCount) : -1;
    }

    /**
     * The VM's stored head caught up with its stored events, or a new ledger if the store has none; with the VM's
     * overview as of the head (stored with it, or folded from the event log up to it when a build without overviews
     * folded the store) caught up over the same events.
     */
    private Slot load(String vm, VmKeys keys, int home) {
        VmLedger stored = states.get(vm);
        if (stored == null) {
            return new Slot(pipeline.newLedger(vm), keys, home, -1, VmOverviewFold.empty());
        }
        VmOverviewFold overview = VmOverviewFold.read(overviews, payloads, codec, vm, stored.lastOffset());
        Slot l = new Slot(stored, keys, home, stored.vm().eventCount(), overview);
        catchUp.replay(stored, vm, stored.lastOffset() + 1, Long.MAX_VALUE, r -> {
            overview.add(r.offset(), r.event());
            return true;
        });
        return l;
    }

    private static void checkSamePartition(String vm, int partition, LogRecord r) throws Unfoldable {
        if (partition != r.ref().partition()) {
            throw new Unfoldable("VM '" + Printable.escape(vm, 64) + "' was on partition " + partition
                    + " and now appears on partition " + r.ref().partition()
                    + ": a VM's events must stay in one partition (was the partition count changed?)");
        }
    }

    private void checkHome(String vm, int home, LogRecord r) throws Unfoldable {
        if (home >= 0 && home != r.ref().partition()) {
            throw new Unfoldable("VM '" + Printable.escape(vm, 64) + "' belongs on partition " + home
                    + " (its id hashed over " + partitionCount + " partitions, where the publisher puts it), not "
                    + r.ref().partition() + ": written by another producer, or the partition count changed");
        }
    }

    /** Drops cached ledgers of a partition this process no longer owns; the store stays the truth. */
    public void forget(int partition) {
        ledgers.values().removeIf(l -> l.ledger().partition() == partition);
    }

    /** Events folded by the polls applied so far (readable from any thread). */
    public long folded() {
        return folded;
    }

    public long rejected() {
        return rejected;
    }
}
