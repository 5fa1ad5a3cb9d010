package org.mtrrledger.projections.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.VmOverviewTable;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.projections.hazard.HazardKind;
import org.mtrrledger.projections.ledger.PoliciesState;
import org.mtrrledger.projections.ledger.PolicyCounters;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * The {@code /metrics} series computed from the store, so that they are the same whichever process folded it and
 * after any restart: each VM's latest ledger ({@link PolicyCounters} per policy, event count, non-coherent DMA) and
 * the committed consumer offsets, plus the VM's stored events counted by kind.
 *
 * <p><b>Cardinality.</b> Series with a {@code vm} label exist for at most {@code vmCap} VMs: the VMs with the most
 * events folded (ties by VM id); every other VM is summed into {@code vm="other"}. Fleet totals (no {@code vm}
 * label) count every VM. So a scrape has O(vmCap x (policies + event kinds)) series however large the fleet.
 *
 * <p><b>Cost.</b> Nothing is persisted for metrics alone. A scrape first reads the committed offsets (a short META scan);
 * when they equal the last scrape's, the store has not changed (the engine commits offsets in the same atomic batch
 * as the state) and the rendered text is reused. Otherwise it reads each VM's last offset
 * ({@link LedgerQueries#lastOffsets()}: one scan reading only the heads' headers, then the keys of any events stored
 * after each head), and for the VMs whose last offset moved reads their latest ledgers (policy counters) and their
 * overviews ({@link LedgerQueries#overview(String, long)}: events by kind as of the VM's head plus the at most
 * {@code LedgerWriter.MAX_HEAD_LAG} events after it), so no scrape reads a VM's whole event log unless the store was
 * folded by a build without overviews. The cache lives in this object only.
 */
final class StoreMetrics {
    static final String OTHER = "other";
    /**
     * The {@code kind} label values: every JSON event type ({@link EventKind#type()}), in the order their series are
     * written. The order is fixed here (and any kind added to {@link EventKind} comes after these) so that the text of
     * a scrape does not depend on the enum's declaration order.
     */
    static final List<String> EVENT_KINDS;
    /** {@link #EVENT_KINDS} index of each {@link EventKind}, by ordinal (both MSR write kinds count as msr_write). */
    static final int[] KIND_INDEX = new int[EventKind.values().length];

    static {
        Set<String> types = new LinkedHashSet<>();
        for (EventKind k : List.of(EventKind.MSR_WRITE, EventKind.CR0_WRITE, EventKind.DMA_OP,
                EventKind.VCPU_LIFECYCLE, EventKind.VM_CONFIG)) {
            types.add(k.type());
        }
        for (EventKind k : EventKind.values()) {
            types.add(k.type());
        }
        EVENT_KINDS = List.copyOf(types);
        for (EventKind k : EventKind.values()) {
            KIND_INDEX[k.ordinal()] = EVENT_KINDS.indexOf(k.type());
        }
    }

    private final LedgerStore store;
    private final int vmCap;
    private final Map<String, VmTotals> vms = new HashMap<>();
    private Map<Integer, Long> cachedOffsets;
    private String cachedText;

    /** What one VM contributes, as of its last offset. */
    private static final class VmTotals {
        final String vm;
        long lastOffset = -1;
        int partition;
        long events;
        boolean noncoherentDma;
        final long[] byKind = new long[EVENT_KINDS.size()];
        final PolicyCounters[] policies = new PolicyCounters[PolicyId.values().length];

        VmTotals(String vm) {
            this.vm = vm;
        }
    }

    StoreMetrics(LedgerStore store, int vmCap) {
        this.store = store;
        this.vmCap = vmCap;
    }

    /** Prometheus text of the store's series (HELP and TYPE lines included). */
    synchronized String scrape() {
        LedgerQueries q = new LedgerQueries(store);
        Map<Integer, Long> offsets = q.storedOffsets();
        if (cachedText == null || !offsets.equals(cachedOffsets)) {
            refresh(q);
            cachedText = render(offsets);
            cachedOffsets = offsets;
        }
        PromText t = new PromText();
        t.family("mtrr_store_size_bytes", "gauge", "Approximate size of the store on disk (SST files and WAL)");
        t.sample("mtrr_store_size_bytes", Map.of(), store.approximateSizeOnDisk());
        return cachedText + t;
    }

    private void refresh(LedgerQueries q) {
        Map<String, Long> last = q.lastOffsets();
        last.forEach((vm, offset) -> {
            VmTotals v = vms.computeIfAbsent(vm, VmTotals::new);
            if (offset != v.lastOffset) {
                update(q, v, q.latest(vm));
            }
        });
        vms.keySet().retainAll(last.keySet());
    }

    private static void update(LedgerQueries q, VmTotals v, VmLedger l) {
        v.lastOffset = l.lastOffset();
        v.partition = l.partition();
        v.events = l.vm().eventCount();
        v.noncoherentDma = l.vm().hasNoncoherentDma();
        PoliciesState s = (PoliciesState) l.projection();
        for (PolicyId p : PolicyId.values()) {
            v.policies[p.code] = s.counters(p);
        }
        // The VM's overview counts its events by kind as of its head; only the events after it are read.
        VmOverviewTable.Overview o = q.overview(v.vm, l.lastOffset());
        Arrays.fill(v.byKind, 0);
        for (EventKind k : EventKind.values()) {
            v.byKind[KIND_INDEX[k.ordinal()]] += o.count(k);
        }
    }

    /** The VMs that get their own series: most events first, ties by id, at most {@code vmCap}. */
    List<String> labelled() {
        return vms.values().stream().sorted(Comparator.comparingLong((VmTotals v) -> -v.events)
                .thenComparing(v -> v.vm)).limit(vmCap).map(v -> v.vm).toList();
    }

    private String render(Map<Integer, Long> offsets) {
        List<String> own = labelled();
        Map<String, List<VmTotals>> groups = new LinkedHashMap<>();
        for (String vm : own) {
            groups.put(vm, List.of(vms.get(vm)));
        }
        List<VmTotals> rest = new ArrayList<>(vms.values());
        rest.removeIf(v -> own.contains(v.vm));
        if (!rest.isEmpty()) {
            groups.put(OTHER, rest);
        }
        List<VmTotals> all = new ArrayList<>(vms.values());
        PromText t = new PromText();

        t.family("mtrr_store_vms", "gauge", "VMs in the store");
        t.sample("mtrr_store_vms", Map.of(), all.size());
        t.family("mtrr_metrics_vm_series_cap", "gauge", "At most this many VMs get series of their own "
                + "(--metrics-vms); the others are summed into vm=\"other\"");
        t.sample("mtrr_metrics_vm_series_cap", Map.of(), vmCap);
        t.family("mtrr_metrics_vms_in_other", "gauge", "VMs summed into the vm=\"other\" series");
        t.sample("mtrr_metrics_vms_in_other", Map.of(), rest.size());
        t.family("mtrr_noncoherent_dma_vms", "gauge", "VMs with non-coherent DMA registered (KVM honors their "
                + "guest MTRRs)");
        t.sample("mtrr_noncoherent_dma_vms", Map.of(), all.stream().filter(v -> v.noncoherentDma).count());

        t.family("mtrr_events_total", "counter", "Events folded into the store, by kind (every VM)");
        for (int k = 0; k < EVENT_KINDS.size(); k++) {
            int kind = k;
            t.sample("mtrr_events_total", Map.of("kind", EVENT_KINDS.get(k)),
                    all.stream().mapToLong(v -> v.byKind[kind]).sum());
        }
        t.family("mtrr_vm_events", "gauge", "Events folded into the store per VM and kind (top VMs by events, "
                + "the rest as vm=\"other\")");
        groups.forEach((vm, members) -> {
            for (int k = 0; k < EVENT_KINDS.size(); k++) {
                int kind = k;
                t.sample("mtrr_vm_events", Map.of("vm", vm, "kind", EVENT_KINDS.get(k)),
                        members.stream().mapToLong(v -> v.byKind[kind]).sum());
            }
        });

        PolicyCounters[] fleet = sum(all);
        t.family("mtrr_zaps_total", "counter", "kvm_zap_gfn_range() calls issued by a policy (every VM)");
        for (PolicyId p : PolicyId.values()) {
            t.sample("mtrr_zaps_total", Map.of("policy", p.label), fleet[p.code].zapCalls());
        }
        t.family("mtrr_zapped_gfns_total", "counter", "GFNs covered by a policy's non-degenerate zaps, each "
                + "clipped to the guest's MAXPHYADDR (every VM)");
        for (PolicyId p : PolicyId.values()) {
            t.sample("mtrr_zapped_gfns_total", Map.of("policy", p.label), fleet[p.code].gfnsZapped());
        }
        t.family("mtrr_hazards_total", "counter", "Memtype hazards revealed for a policy, by kind (every VM)");
        for (PolicyId p : PolicyId.values()) {
            PolicyCounters c = fleet[p.code];
            t.sample("mtrr_hazards_total", Map.of("policy", p.label, "kind", HazardKind.MEMTYPE.label()),
                    c.memtypeHazards());
            t.sample("mtrr_hazards_total", Map.of("policy", p.label, "kind", HazardKind.IPAT.label()),
                    c.ipatHazards());
            t.sample("mtrr_hazards_total", Map.of("policy", p.label, "kind", HazardKind.MTRR_DISAGREEMENT.label()),
                    c.disagreementHazards());
        }
        t.family("mtrr_vm_zaps", "gauge", "kvm_zap_gfn_range() calls per VM and policy (top VMs by events, the "
                + "rest as vm=\"other\")");
        groups.forEach((vm, members) -> {
            PolicyCounters[] c = sum(members);
            for (PolicyId p : PolicyId.values()) {
                t.sample("mtrr_vm_zaps", Map.of("vm", vm, "policy", p.label), c[p.code].zapCalls());
            }
        });
        t.family("mtrr_vm_last_offset", "gauge", "Offset of the VM's last folded event in its partition (top VMs "
                + "by events)");
        for (String vm : own) {
            t.sample("mtrr_vm_last_offset", Map.of("vm", vm, "partition",
                    Integer.toString(vms.get(vm).partition)), vms.get(vm).lastOffset);
        }

        t.family("mtrr_store_committed_offset", "gauge", "Next offset of the partition the store will fold (the "
                + "consumer position committed with the state)");
        offsets.forEach((p, o) -> t.sample("mtrr_store_committed_offset", Map.of("partition", p.toString()), o));
        Map<Integer, Long> lastFolded = new TreeMap<>();
        all.forEach(v -> lastFolded.merge(v.partition, v.lastOffset, Math::max));
        t.family("mtrr_store_last_folded_offset", "gauge", "Offset of the last event folded from the partition");
        lastFolded.forEach((p, o) -> t.sample("mtrr_store_last_folded_offset", Map.of("partition", p.toString()),
                o));
        return t.toString();
    }

    private static PolicyCounters[] sum(List<VmTotals> members) {
        PolicyCounters[] total = new PolicyCounters[PolicyId.values().length];
        for (int i = 0; i < total.length; i++) {
            total[i] = new PolicyCounters();
            for (VmTotals v : members) {
                v.policies[i].addTo(total[i]);
            }
        }
        return total;
    }

    /** Prometheus text exposition format 0.0.4, written by hand: the label sets here change with the store. */
    static final class PromText {
        private final StringBuilder b = new StringBuilder();

        void family(String name, String type, String help) {
            b.append("# HELP ").append(name).append(' ').append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                    .append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        }

        void sample(String name, Map<String, String> labels, long value) {
            b.append(name);
            if (!labels.isEmpty()) {
                b.append('{');
                String sep = "";
                for (Map.Entry<String, String> l : new TreeMap<>(labels).entrySet()) {
                    b.append(sep).append(l.getKey()).append("=\"").append(escape(l.getValue())).append('"');
                    sep = ",";
                }
                b.append('}');
            }
            b.append(' ').append(value).append('\n');
        }

        static String escape(String v) {
            return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        }

        @Override
        public String toString() {
            return b.toString();
        }
    }
}
