package org.mtrrledger.engine.consume;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.CloseableIterator;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.Entry;
import org.mtrrledger.engine.store.Keys;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;

/**
 * The state of a VM at any offset: the nearest checkpoint at or before it, then the same {@link Pipeline} the
 * live engine runs over the VM's events up to the offset (at most K of them, K = checkpoint interval). Needs only
 * the local store, no broker.
 */
public final class TimeTravel {
    private final LedgerStore store;
    private final Pipeline pipeline;
    private final EventCodec codec = new EventCodec();

    public TimeTravel(LedgerStore store, Pipeline pipeline) {
        this.store = store;
        this.pipeline = pipeline;
    }

    /** One replayed event. */
    public record Replayed(EventRef ref, MtrrEvent event, Pipeline.Step step) {
    }

    /** The ledger after the last event of {@code vm} at or before {@code offset}; null if the store has no such VM. */
    public VmLedger at(String vm, long offset) {
        return at(vm, offset, null);
    }

    /** As {@link #at(String, long)}, collecting every replayed step into {@code replayed} if not null. */
    public VmLedger at(String vm, long offset, List<Replayed> replayed) {
        byte[] latest = store.get(Column.VM_STATE, Keys.vmKey(vm));
        if (latest == null) {
            return null;
        }
        VmLedger head = VmLedger.decode(latest, pipeline.projection());
        if (offset >= head.lastOffset() && replayed == null) {
            return head;
        }
        Entry cp = store.floor(Column.CHECKPOINTS, Keys.vmPrefix(vm), Keys.vmOffsetKey(vm, offset));
        VmLedger ledger = cp == null ? pipeline.newLedger(vm) : VmLedger.decode(cp.value(), pipeline.projection());
        replay(ledger, vm, ledger.lastOffset() + 1, offset, replayed);
        return ledger;
    }

    /** Folds {@code vm}'s stored events in [from, to] into {@code ledger}. */
    public void replay(VmLedger ledger, String vm, long from, long to, List<Replayed> replayed) {
        if (to < from) {
            return;
        }
        String topic = topic();
        try (CloseableIterator<Entry> it = events(vm, from, to)) {
            while (it.hasNext()) {
                Entry e = it.next();
                long off = Keys.decodeVmOffsetKey(e.key()).offset();
                int partition = FoldedEvent.partitionOf(e.value());
                MtrrEvent ev = codec.decode(FoldedEvent.payloadOf(e.value()));
                EventRef ref = new EventRef(topic, partition, off);
                Pipeline.Step step = pipeline.step(ledger, ref, ev);
                if (replayed != null) {
                    replayed.add(new Replayed(ref, ev, step));
                }
            }
        }
    }

    /** Offsets of the VM's events in [from, to], ascending (read from the VM index; nothing is refolded). */
    public List<Long> offsets(String vm, long from, long to) {
        List<Long> out = new ArrayList<>();
        try (CloseableIterator<Entry> it = events(vm, from, to)) {
            while (it.hasNext()) {
                out.add(Keys.decodeVmOffsetKey(it.next().key()).offset());
            }
        }
        return out;
    }

    /**
     * The stored {@code EVENTS} entries of {@code vm} with offsets in [from, to] ({@code to} may be
     * {@link Long#MAX_VALUE}), in offset order: one bounded scan. The caller closes the iterator.
     */
    public CloseableIterator<Entry> events(String vm, long from, long to) {
        return store.scan(Column.EVENTS, Keys.vmOffsetKey(vm, Math.max(0, from)),
                to == Long.MAX_VALUE ? Keys.prefixEnd(Keys.vmPrefix(vm)) : Keys.vmOffsetKey(vm, to + 1));
    }

    private String topic() {
        byte[] t = store.get(Column.META, Keys.metaTopicKey());
        return t == null ? EngineConfig.DEFAULT_TOPIC : new String(t, java.nio.charset.StandardCharsets.UTF_8);
    }
}
