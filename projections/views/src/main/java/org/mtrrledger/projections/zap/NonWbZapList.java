package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;

/**
 * Sean Christopherson's "zap non-WB memory" at CR0.CD 1->0 with the quirk on (seed thread, ZG5VlRzJkcwo9Qju): all if
 * MTRRs are disabled with a non-WB disabled type or the default type is not WB, else one fixed span from the lowest
 * to the highest non-WB fixed byte (FE=1 only), then each valid non-WB variable range in KVM's list order.
 */
final class NonWbZapList {
    private NonWbZapList() {
    }

    static void zap(VmState vm, MtrrState m, List<Zap> out) {
        int wb = MemType.WB.code;
        if (!m.enabled()) {
            if (KvmMtrrResolver.disabledType(vm.settings()) != wb) {
                out.add(new Zap(GfnRange.ALL52, "sean-cd-nonwb CD 1->0: MTRRs disabled (UC): zap all"));
            }
            return;
        }
        if (m.defaultType() != wb) {
            out.add(new Zap(GfnRange.ALL52, "sean-cd-nonwb CD 1->0: default type "
                    + MemType.label(m.defaultType()) + " is not WB: zap all"));
            return;
        }
        if (m.fixedEnabled()) {
            int lo = -1;
            int hi = -1;
            for (int i = 0; i < FixedMtrr.NR_FIXED_RANGES; i++) {
                if (m.fixedType(i) != wb) {
                    lo = lo < 0 ? i : lo;
                    hi = i;
                }
            }
            if (lo >= 0) {
                out.add(new Zap(GfnRange.ofGpa(FixedMtrr.rangeStartGpa(lo), FixedMtrr.rangeEndGpa(hi)),
                        "sean-cd-nonwb CD 1->0: fixed bytes " + lo + ".." + hi + " span the non-WB fixed ranges"));
            }
        }
        for (int i = 0; i < m.listLength(); i++) {
            int idx = m.listEntry(i);
            if (m.varType(idx) != wb) {
                long[] r = m.varRange(idx);
                out.add(new Zap(GfnRange.ofGpa(r[0], r[1]), "sean-cd-nonwb CD 1->0: variable pair " + idx + " is "
                        + MemType.label(m.varType(idx))));
            }
        }
    }
}
