package org.mtrrledger.engine.consume;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.CheckpointTable;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.model.EventRef;

/**
 * The state of a VM at any offset: the nearest checkpoint at or before it, then the same {@link Pipeline} the
 * live engine runs over the VM's events after it up to the offset, read in ONE scan of the {@link EventLog}. Needs
 * only the local store, no broker.
 */
public final class TimeTravel {
    private final LedgerStore store;
    private final Pipeline pipeline;
    private final VmStateTable<VmLedger> states;
    private final CheckpointTable<VmLedger> checkpoints;
    /** Replay reads the partition and the payload of each event; its outcome is refolded, not decoded. */
    private final EventLog<Replayable> events;
    private final EventCodec codec = new EventCodec();

    public TimeTravel(LedgerStore store, Pipeline pipeline) {
        this.store = store;
        this.pipeline = pipeline;
        ValueCodec<VmLedger> ledgers = ledgerCodec(pipeline);
        this.states = new VmStateTable<>(store, ledgers);
        this.checkpoints = new CheckpointTable<>(store, ledgers);
        this.events = new EventLog<>(store, b -> new Replayable(FoldedEvent.partitionOf(b), FoldedEvent.payloadOf(b)));
    }

    /** How VM ledgers folded by {@code pipeline} are stored (heads and checkpoints). */
    public static ValueCodec<VmLedger> ledgerCodec(Pipeline pipeline) {
        return ValueCodec.of(VmLedger::encode, b -> VmLedger.decode(b, pipeline.projection()));
    }

    /** The VMs' heads read for their last offsets only (the ledgers' headers); not for writing. */
    public static VmStateTable<Long> headOffsets(LedgerStore store) {
        return headHeaders(store, VmLedger::lastOffsetOf);
    }

    /**
     * The VMs' heads read for their partitions only (the ledgers' headers): a VM's events all live in one partition,
     * so its head's is its latest's.
     */
    public static VmStateTable<Integer> headPartitions(LedgerStore store) {
        return headHeaders(store, VmLedger::partitionOf);
    }

    private static <T> VmStateTable<T> headHeaders(LedgerStore store, Function<byte[], T> header) {
        return new VmStateTable<>(store, ValueCodec.of(o -> {
            throw new UnsupportedOperationException("heads are put as ledgers");
        }, header));
    }

    private record Replayable(int partition, byte[] payload) {
    }

    /** The ledger after the last event of {@code vm} at or before {@code offset}; null if the store has no such VM. */
    public VmLedger at(String vm, long offset) {
        return at(vm, offset, null);
    }

    /** The ledger after the VM's last stored event; null if the store has no such VM. */
    public VmLedger latest(String vm) {
        return at(vm, Long.MAX_VALUE, null);
    }

    /**
     * As {@link #at(String, long)}, collecting every replayed event into {@code replayed} if not null (then the replay
     * starts at the checkpoint, so that it lists every event since).
     *
     * <p>The VM's head ({@link VmStateTable}) is the newest state the writer stored, at most
     * {@code LedgerWriter.MAX_HEAD_LAG} events behind its last stored event while the engine folds and none once it
     * has drained; at or after the head only the events since it are refolded.
     */
    public VmLedger at(String vm, long offset, List<StoredEvent> replayed) {
        VmLedger head = states.get(vm);
        if (head == null) {
            return null;
        }
        VmLedger ledger;
        if (offset >= head.lastOffset() && replayed == null) {
            ledger = head;
        } else {
            CheckpointTable.Checkpoint<VmLedger> cp = checkpoints.atOrBefore(vm, offset);
            ledger = cp == null ? pipeline.newLedger(vm) : cp.state();
        }
        replay(ledger, vm, ledger.lastOffset() + 1, offset, replayed);
        return ledger;
    }

    /** Folds {@code vm}'s stored events in [from, to] into {@code ledger}: one scan. */
    public void replay(VmLedger ledger, String vm, long from, long to, List<StoredEvent> replayed) {
        replay(ledger, vm, from, to, replayed == null ? null : r -> {
            replayed.add(r);
            return true;
        });
    }

    /** Receives each replayed event with its refolded outcome, in offset order; returning false stops the replay. */
    @FunctionalInterface
    public interface ReplayVisitor {
        boolean replayed(StoredEvent e);
    }

    /**
     * Folds {@code vm}'s stored events in [from, to] into {@code ledger} in one scan, handing each event to
     * {@code visitor} (if not null) while it returns true.
     */
    public void replay(VmLedger ledger, String vm, long from, long to, ReplayVisitor visitor) {
        String topic = topic();
        events.scan(vm, from, to, (off, e) -> {
            MtrrEvent ev = codec.decode(e.payload());
            EventRef ref = new EventRef(topic, e.partition(), off);
            Pipeline.Step step = pipeline.step(ledger, ref, ev);
            return visitor == null || visitor.replayed(new StoredEvent(vm, ref, ev, step.fold().outcome()));
        });
    }

    /** Offsets of the VM's events in [from, to], ascending (keys and values of one scan; nothing is refolded). */
    public List<Long> offsets(String vm, long from, long to) {
        List<Long> out = new ArrayList<>();
        events.scan(vm, from, to, (off, e) -> out.add(off));
        return out;
    }

    private String topic() {
        return store.meta().topic().orElse(EngineConfig.DEFAULT_TOPIC);
    }
}
