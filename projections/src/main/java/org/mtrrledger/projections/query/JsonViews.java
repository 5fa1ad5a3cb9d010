package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.GeneratorPosition;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;
import org.mtrrledger.events.parse.TraceTimestamp;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.ledger.PolicyCounters;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * The JSON shapes shared by the CLI's {@code --json} (JSON Lines) and the HTTP API: ordered maps, 64-bit values as
 * hex strings, every event reference with topic, partition and offset.
 */
public final class JsonViews {
    /** MTRRCAP as KVM returns it: {@code 0x500 | KVM_NR_VAR_MTRR} (VCNT 8, FIX, WC). */
    public static final long MTRRCAP = 0x508;

    private JsonViews() {
    }

    public static String source(MtrrEvent e) {
        Object s = e.getSource();
        if (s instanceof FilePosition f) {
            return f.getFile() + ":" + f.getLine();
        }
        if (s instanceof GeneratorPosition g) {
            return "gen:" + g.getSeed() + "#" + g.getIndex();
        }
        return null;
    }

    /**
     * The event's timestamp as its trace printed it ({@code 380.398696}; 9 fraction digits where it is not a whole
     * microsecond), or null: a string, so it stays exact in JavaScript beyond 2^53 ns (104 days of host uptime).
     */
    public static String ts(MtrrEvent e) {
        return e.getTimestampNs() == null ? null : TraceTimestamp.format(e.getTimestampNs());
    }

    public static String type(MtrrEvent e) {
        return EventKind.of(e).type();
    }

    /** The event's own fields in the JSON Lines input format. */
    public static void eventFields(MtrrEvent e, Map<String, Object> m) {
        Object p = e.getPayload();
        m.put("type", type(e));
        if (p instanceof MsrWrite w) {
            m.put("msr", Hex.of(w.getMsr()));
            m.put("value", Hex.of(w.getValue()));
            if (w.getHostInitiated()) {
                m.put("host_initiated", true);
            }
            if (w.getFaulted()) {
                m.put("gp", true);
            }
        } else if (p instanceof Cr0Write c) {
            m.put("value", Hex.of(c.getValue()));
        } else if (p instanceof DmaOp d) {
            m.put("op", d.getOp().name().toLowerCase(java.util.Locale.ROOT));
            if (d.getGpa() != null) {
                m.put("gpa", Hex.of(d.getGpa()));
            }
            if (d.getLength() != null) {
                m.put("len", Hex.of(d.getLength()));
            }
            if (d.getDevice() != null) {
                m.put("device", d.getDevice());
            }
            if (d.getDirection() != null) {
                m.put("direction", d.getDirection().name().toLowerCase(java.util.Locale.ROOT));
            }
        } else if (p instanceof VcpuLifecycle l) {
            m.put("op", l.getOp().name().toLowerCase(java.util.Locale.ROOT));
            if (l.getInitialCr0() != null) {
                m.put("cr0", Hex.of(l.getInitialCr0()));
            }
        } else if (p instanceof VmConfig c) {
            m.put("maxphyaddr", c.getMaxPhysAddr());
            m.put("guest_has_mtrr", c.getGuestHasMtrr());
            m.put("tdp_enabled", c.getTdpEnabled());
            m.put("quirk_cd_nw_cleared", c.getQuirkCdNwCleared());
        }
    }

    public static Map<String, Object> event(String topic, LedgerQueries.StoredEvent se) {
        Map<String, Object> m = new LinkedHashMap<>();
        MtrrEvent e = se.event();
        m.put("vm", se.vm());
        m.put("vcpu", e.getVcpu());
        m.put("topic", topic);
        m.put("partition", se.partition());
        m.put("offset", se.offset());
        m.put("ts", ts(e));
        eventFields(e, m);
        Outcome o = se.folded().outcome();
        m.put("accepted", o.status() != Outcome.Status.REJECTED);
        m.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
        m.put("reason", o.reason());
        m.put("source", source(e));
        List<Map<String, Object>> ch = new ArrayList<>();
        for (Outcome.Change c : o.changes()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("what", c.what());
            x.put("old", Hex.of(c.oldValue()));
            x.put("new", Hex.of(c.newValue()));
            ch.add(x);
        }
        m.put("changes", ch);
        if (!o.notes().isEmpty()) {
            m.put("notes", o.notes());
        }
        return m;
    }

    /** A record the fold skipped: where it is, its key (the VM id, if the producer followed the rules), why. */
    public static Map<String, Object> skipped(String topic, LedgerQueries.Skipped s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("topic", topic);
        m.put("partition", s.partition());
        m.put("offset", s.offset());
        m.put("key", s.record().key());
        m.put("value_bytes", s.record().value() == null ? null : s.record().value().length);
        m.put("reason", s.record().reason());
        return m;
    }

    /** A zap with its trigger: the event, and for an MSR write its old and new value. */
    public static Map<String, Object> zap(String vm, String topic, ZapRecord z, LedgerQueries.StoredEvent trigger) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("policy", z.policy().label);
        m.put("start_gfn", Hex.of(z.range().start()));
        m.put("end_gfn", Hex.of(z.range().end()));
        m.put("degenerate", z.degenerate());
        m.put("rule", z.rule());
        m.put("trigger", trigger(topic, trigger));
        return m;
    }

    public static Map<String, Object> trigger(String topic, LedgerQueries.StoredEvent se) {
        Map<String, Object> t = new LinkedHashMap<>();
        MtrrEvent e = se.event();
        t.put("topic", topic);
        t.put("partition", se.partition());
        t.put("offset", se.offset());
        t.put("ts", ts(e));
        t.put("vcpu", e.getVcpu());
        t.put("type", type(e));
        Object p = e.getPayload();
        if (p instanceof MsrWrite w) {
            t.put("msr", Hex.of(w.getMsr()));
            long old = w.getValue();
            long now = w.getValue();
            for (Outcome.Change c : se.folded().outcome().changes()) {
                old = c.oldValue();
                now = c.newValue();
            }
            t.put("old", Hex.of(old));
            t.put("new", Hex.of(now));
        } else if (p instanceof Cr0Write c) {
            long old = c.getValue();
            long now = c.getValue();
            for (Outcome.Change ch : se.folded().outcome().changes()) {
                old = ch.oldValue();
                now = ch.newValue();
            }
            t.put("old", Hex.of(old));
            t.put("new", Hex.of(now));
            t.put("cd", (now & org.mtrrledger.events.model.Cr0.CD) != 0 ? "set" : "clear");
            t.put("toggled", Hex.of(old ^ now));
        } else if (p instanceof DmaOp d) {
            t.put("op", d.getOp().name().toLowerCase(java.util.Locale.ROOT));
        }
        t.put("source", source(e));
        return t;
    }

    public static Map<String, Object> hazard(String vm, String topic, Hazard h, LedgerQueries.StoredEvent checkPoint) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("policy", h.policy().label);
        m.put("kind", h.kind().label());
        m.put("start_gfn", Hex.of(h.range().start()));
        m.put("end_gfn", Hex.of(h.range().end()));
        List<String> stale = new ArrayList<>();
        for (int bit = 0; bit < 16; bit++) {
            if ((h.staleMask() & (1 << bit)) != 0) {
                stale.add(MemType.label(bit >> 1) + ((bit & 1) != 0 ? "|IPAT" : ""));
            }
        }
        m.put(h.kind() == org.mtrrledger.projections.hazard.HazardKind.MTRR_DISAGREEMENT ? "other_vcpus_memtypes"
                : "stale", stale);
        m.put("demanded", MemType.label(h.demanded()));
        m.put("check_point", trigger(topic, checkPoint));
        if (h.sinceOffset() >= 0) {
            Map<String, Object> miss = new LinkedHashMap<>();
            miss.put("start_gfn", Hex.of(h.range().start()));
            miss.put("end_gfn", Hex.of(h.range().end()));
            miss.put("after_offset", h.sinceOffset());
            miss.put("before_offset", h.offset());
            m.put("missing_zap", miss);
        }
        return m;
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
            x.put("memtype", memtypeLabel(r.memtype()));
            x.put("ept_memtype", MemType.label(r.eptMemtype()));
            x.put("ipat", r.ipat());
            x.put("beyond_maxphyaddr", r.beyondMaxPhysAddr());
            rs.add(x);
        }
        m.put("ranges", rs);
        return m;
    }

    public static String memtypeLabel(int code) {
        return code < 0 ? "UNDEFINED" : MemType.label(code);
    }

    /** MTRR MSRs as RDMSR returns them, plus KVM's list order. */
    public static Map<String, Object> mtrrs(MtrrState m, int maxPhys) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("mtrrcap", Hex.of(MTRRCAP));
        x.put("def_type", Hex.of(m.deftype()));
        x.put("enabled", m.enabled());
        x.put("fixed_enabled", m.fixedEnabled());
        x.put("default_type", MemType.label(m.defaultType()));
        Map<String, Object> fixed = new LinkedHashMap<>();
        for (int msr : FixedMtrr.msrs()) {
            fixed.put(Hex.of(msr), Hex.of(m.rdmsr(MtrrMsr.FIXED, msr, maxPhys)));
        }
        x.put("fixed", fixed);
        List<Map<String, Object>> vars = new ArrayList<>();
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("index", i);
            v.put("base", Hex.of(m.rdmsr(MtrrMsr.VAR_BASE, 0x200 + 2 * i, maxPhys)));
            v.put("mask", Hex.of(m.rdmsr(MtrrMsr.VAR_MASK, 0x201 + 2 * i, maxPhys)));
            v.put("valid", m.isValid(i));
            if (m.isValid(i)) {
                long[] r = m.varRange(i);
                v.put("type", MemType.label(m.varType(i)));
                v.put("kvm_range_gpa", List.of(Hex.of(r[0]), Hex.of(r[1])));
            }
            vars.add(v);
        }
        x.put("variable", vars);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < m.listLength(); i++) {
            order.add(m.listEntry(i));
        }
        x.put("list_order", order);
        return x;
    }

    /**
     * Every MSR of KVM's MTRR code as a guest RDMSR returns it, by MSR number: MTRRCAP, PHYSBASE/PHYSMASK 0-7,
     * the fixed MSRs, PAT and DEF_TYPE.
     */
    public static Map<String, Object> rdmsrAll(MtrrState m, long pat, int maxPhys) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put(Hex.of(0xfe), Hex.of(MTRRCAP));
        for (int msr = 0x200; msr < 0x210; msr++) {
            x.put(Hex.of(msr), Hex.of(m.rdmsr(MtrrMsr.classify(msr), msr, maxPhys)));
        }
        for (int msr : FixedMtrr.msrs()) {
            x.put(Hex.of(msr), Hex.of(m.rdmsr(MtrrMsr.FIXED, msr, maxPhys)));
        }
        x.put(Hex.of(MtrrMsr.MSR_IA32_CR_PAT), Hex.of(pat));
        x.put(Hex.of(MtrrMsr.MSR_MTRR_DEF_TYPE), Hex.of(m.deftype()));
        return x;
    }

    public static Map<String, Object> vcpu(String vm, int partition, long offset, VmState s, VcpuState v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("vcpu", v.index());
        m.put("partition", partition);
        m.put("offset", offset);
        m.put("online", v.online());
        m.put("cr0", Hex.of(v.cr0()));
        m.put("cd", v.cd());
        m.put("pat", Hex.of(v.pat()));
        m.put("mtrr", mtrrs(v.mtrr(), s.settings().maxPhysAddr()));
        m.put("msrs", rdmsrAll(v.mtrr(), v.pat(), s.settings().maxPhysAddr()));
        return m;
    }

    public static Map<String, Object> vm(String vm, int partition, long offset, VmState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("vcpu", null);
        m.put("view", "per-vm");
        m.put("partition", partition);
        m.put("offset", offset);
        m.put("events", s.eventCount());
        m.put("maxphyaddr", s.settings().maxPhysAddr());
        m.put("guest_has_mtrr", s.settings().guestHasMtrr());
        m.put("tdp_enabled", s.settings().tdpEnabled());
        m.put("quirk_cd_nw_cleared", s.settings().quirkCdNwCleared());
        m.put("noncoherent_dma_count", s.noncoherentDmaCount());
        m.put("honors_guest_mtrrs", s.honorsGuestMtrrs());
        m.put("vcpus", s.vcpus().size());
        m.put("per_vm_copy", mtrrs(s.perVmCopy(), s.settings().maxPhysAddr()));
        List<List<String>> dirty = new ArrayList<>();
        for (GfnRange r : s.dirty().ranges()) {
            dirty.add(List.of(Hex.of(r.start()), Hex.of(r.end())));
        }
        m.put("dirty_gfn_ranges", dirty);
        return m;
    }

    public static Map<String, Object> policy(String vm, PolicyId p, PolicyCounters c) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (vm != null) {
            m.put("vm", vm);
        }
        m.put("policy", p.label);
        m.put("zap_calls", c.zapCalls());
        m.put("degenerate_calls", c.degenerateCalls());
        m.put("full_range_zaps", c.fullRangeZaps());
        m.put("gfns_zapped", c.gfnsZapped());
        m.put("memtype_hazards", c.memtypeHazards());
        m.put("ipat_hazards", c.ipatHazards());
        m.put("disagreement_hazards", c.disagreementHazards());
        return m;
    }
}
