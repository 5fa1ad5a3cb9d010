package org.mtrrledger.projections.render;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.hazard.HazardKind;
import org.mtrrledger.projections.ledger.PolicyCounters;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/** What the zap policies do: each zap with its trigger, each hazard with its check point, each policy's counters. */
public final class PolicyJson {
    private PolicyJson() {
    }

    /** A zap with its trigger: the event, and for an MSR write its old and new value. */
    public static Map<String, Object> zap(String vm, String topic, ZapRecord z, StoredEvent trigger) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("policy", z.policy().label);
        zapRange(z, m);
        m.put("trigger", EventJson.trigger(topic, trigger));
        return m;
    }

    /** The zap's GFN range, whether KVM zaps nothing (end <= start), and the rule that issued it, into {@code m}. */
    static Map<String, Object> zapRange(ZapRecord z, Map<String, Object> m) {
        m.put("start_gfn", Hex.of(z.range().start()));
        m.put("end_gfn", Hex.of(z.range().end()));
        m.put("degenerate", z.degenerate());
        m.put("rule", z.rule());
        return m;
    }

    public static Map<String, Object> hazard(String vm, String topic, Hazard h, StoredEvent checkPoint) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("policy", h.policy().label);
        return hazardFinding(h, m, EventJson.trigger(topic, checkPoint));
    }

    /**
     * What the hazard is into {@code m}: kind, range, the stale memtypes (for a disagreement the other vCPUs'
     * types), the demanded one, the check point when given, and for a missed zap the window it should have been in.
     */
    static Map<String, Object> hazardFinding(Hazard h, Map<String, Object> m, Map<String, Object> checkPoint) {
        m.put("kind", h.kind().label());
        m.put("start_gfn", Hex.of(h.range().start()));
        m.put("end_gfn", Hex.of(h.range().end()));
        m.put(h.kind() == HazardKind.MTRR_DISAGREEMENT ? "other_vcpus_memtypes" : "stale", h.staleMemtypes());
        m.put("demanded", MemType.label(h.demanded()));
        if (checkPoint != null) {
            m.put("check_point", checkPoint);
        }
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

    /** A policy's counters; {@code vm} null for totals over several VMs. */
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
