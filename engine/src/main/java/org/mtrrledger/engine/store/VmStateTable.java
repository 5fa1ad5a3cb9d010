package org.mtrrledger.engine.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each VM's head ({@link Column#VM_STATE}): a recent state of the VM, from which a reader reaches the latest by
 * refolding the VM's events stored after it ({@link EventLog}), as time travel does from a checkpoint. Key: the VM id
 * in UTF-8, nothing after it. Value: the VM's state after the event at its last offset ({@link ValueCodec}),
 * overwritten by the batch that folds the VM's first events, then whenever the writer's ledger has moved a bounded
 * number of events past it, and whenever the writer drains (then every head is the latest state). The row's presence
 * is what says "the store has folded this VM". Point reads (bloom-filtered); a full scan lists the VMs in id order.
 * Retention: until the VM is forgotten.
 */
public final class VmStateTable<V> {
    private final LedgerStore store;
    private final ValueCodec<V> codec;

    public VmStateTable(LedgerStore store, ValueCodec<V> codec) {
        this.store = store;
        this.codec = codec;
    }

    /** The VM's head, or null if the store has never folded an event of it. */
    public V get(String vm) {
        byte[] b = store.get(Column.VM_STATE, Keys.vmKey(vm));
        return b == null ? null : codec.decode(b);
    }

    /** Whether the store has folded an event of {@code vm}. */
    public boolean contains(String vm) {
        return store.get(Column.VM_STATE, Keys.vmKey(vm)) != null;
    }

    /** Every VM the store has folded, in id order (UTF-8 byte order), without decoding any state. */
    public List<String> vms() {
        List<String> out = new ArrayList<>();
        try (CloseableIterator<Entry> it = store.scan(Column.VM_STATE, new byte[0], null)) {
            while (it.hasNext()) {
                out.add(Keys.vmOfKey(it.next().key()));
            }
        }
        return out;
    }

    /** Every VM's head, by VM id in id order (one scan). */
    public Map<String, V> all() {
        Map<String, V> out = new LinkedHashMap<>();
        try (CloseableIterator<Entry> it = store.scan(Column.VM_STATE, new byte[0], null)) {
            while (it.hasNext()) {
                Entry e = it.next();
                out.put(Keys.vmOfKey(e.key()), codec.decode(e.value()));
            }
        }
        return out;
    }

    public void put(Batch batch, VmKeys vm, V state) {
        batch.put(Column.VM_STATE, vm.stateKey(), codec.encode(state));
    }
}
