package org.mtrrledger.projections.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.projections.query.Divergence;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.projections.query.MemtypeDiff;
import org.mtrrledger.projections.query.MemtypeSnapshot;
import org.mtrrledger.projections.query.SnapshotTarget;

/**
 * Memtype maps: a snapshot of a vCPU (or the per-VM copy) at one offset, the ranges that changed between two
 * offsets with the events that changed them, and the ranges where KVM's resolver and the SDM's disagree.
 */
public final class MemtypeJson {
    private MemtypeJson() {
    }

    public static Map<String, Object> snapshot(MemtypeSnapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", s.vm());
        m.put("vcpu", s.vcpu());
        if (s.vcpu() == null) {
            m.put("view", "per-vm");
        }
        m.put("partition", s.partition());
        m.put("offset", s.offset());
        m.put("resolver", s.resolver());
        m.put("kernel", s.kernel());
        List<Map<String, Object>> rs = new ArrayList<>();
        for (MemtypeSnapshot.Range r : s.ranges()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("start_gfn", Hex.of(r.startGfn()));
            x.put("end_gfn", Hex.of(r.endGfn()));
            entry(r, x);
            x.put("beyond_maxphyaddr", r.beyondMaxPhysAddr());
            rs.add(x);
        }
        m.put("ranges", rs);
        return m;
    }

    /** A range's guest-MTRR memtype, EPT memtype and IPAT, into {@code m}. */
    static Map<String, Object> entry(MemtypeSnapshot.Range r, Map<String, Object> m) {
        m.put("memtype", r.memtypeLabel());
        m.put("ept_memtype", r.eptMemtypeLabel());
        m.put("ipat", r.ipat());
        return m;
    }

    /** One changed range of one target between {@code from} and {@code to}, with the events that changed it. */
    public static Map<String, Object> diff(String topic, MemtypeDiff.Row row) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", row.vm());
        m.put("vcpu", row.target() instanceof SnapshotTarget.Vcpu v ? v.index() : null);
        m.put("from", row.from());
        m.put("to", row.to());
        m.put("start_gfn", Hex.of(row.changed().startGfn()));
        m.put("end_gfn", Hex.of(row.changed().endGfn()));
        m.put("before", entry(row.changed().before(), new LinkedHashMap<>()));
        m.put("after", entry(row.changed().after(), new LinkedHashMap<>()));
        List<Map<String, Object>> evs = new ArrayList<>();
        for (StoredEvent e : row.why()) {
            evs.add(EventJson.trigger(topic, e));
        }
        m.put("events", evs);
        return m;
    }

    /** One range of one vCPU where KVM's resolution of the guest MTRRs and the SDM's differ. */
    public static Map<String, Object> divergence(Divergence.Row d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", d.vm());
        m.put("vcpu", d.vcpu());
        m.put("partition", d.partition());
        m.put("offset", d.offset());
        m.put("start_gfn", Hex.of(d.changed().startGfn()));
        m.put("end_gfn", Hex.of(d.changed().endGfn()));
        m.put("kvm", d.kvm());
        m.put("sdm", d.sdm());
        return m;
    }
}
