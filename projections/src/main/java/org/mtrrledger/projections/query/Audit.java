package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * Everything one event did ({@code mtrr audit}, {@code GET /api/vms/{vm}/events/{offset}}): the event as
 * {@link JsonViews#event} plus {@code policies}: per policy label the zaps it caused and the hazards it revealed.
 */
public final class Audit {
    private Audit() {
    }

    /** The stored event and its audit JSON. */
    public record Result(LedgerQueries.StoredEvent event, Map<String, Object> json) {
    }

    public static Result of(LedgerQueries q, String vm, long offset) {
        String topic = q.topic();
        LedgerQueries.StoredEvent e = q.event(vm, offset);
        Map<String, Object> m = new LinkedHashMap<>(JsonViews.event(topic, e));
        Map<String, Object> byPolicy = new LinkedHashMap<>();
        for (PolicyId p : PolicyId.values()) {
            List<Map<String, Object>> zs = new ArrayList<>();
            for (ZapRecord z : q.zaps(vm, p, offset, offset)) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("start_gfn", Hex.of(z.range().start()));
                x.put("end_gfn", Hex.of(z.range().end()));
                x.put("degenerate", z.degenerate());
                x.put("rule", z.rule());
                zs.add(x);
            }
            List<Map<String, Object>> hs = new ArrayList<>();
            for (Hazard h : q.hazards(vm, p, offset, offset)) {
                Map<String, Object> x = JsonViews.hazard(vm, topic, h, e);
                x.remove("vm");
                x.remove("policy");
                x.remove("check_point");
                hs.add(x);
            }
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("zaps", zs);
            pm.put("hazards", hs);
            byPolicy.put(p.label, pm);
        }
        m.put("policies", byPolicy);
        return new Result(e, m);
    }
}
