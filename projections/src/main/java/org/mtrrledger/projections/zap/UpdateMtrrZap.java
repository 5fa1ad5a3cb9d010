package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep.MsrWriteFact;
import org.mtrrledger.engine.mtrr.FixedMtrr;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.engine.mtrr.MtrrMsr;
import org.mtrrledger.engine.mtrr.MtrrState;

/**
 * The body of {@code update_mtrr()} (arch/x86/kvm/mtrr.c, v6.4) after its gates, shared by every policy that zaps on
 * MTRR writes: nothing while E=0 unless DEF_TYPE was written; a fixed MSR zaps its span if FE=1; DEF_TYPE zaps
 * {@code [0, gpa_to_gfn(~0ULL))} whatever its value; a variable base or mask zaps the NEW pair's
 * {@code var_mtrr_range()} (the old range is not zapped; a never-written mask overflows end to 0: degenerate).
 */
final class UpdateMtrrZap {
    private UpdateMtrrZap() {
    }

    static void zap(MsrWriteFact w, MtrrState writer, String policy, List<Zap> out) {
        if (!MtrrMsr.isMtrr(w.kind())) {
            return;
        }
        if (!writer.enabled() && w.kind() != MtrrMsr.DEF_TYPE) {
            return;
        }
        switch (w.kind()) {
            case FIXED -> {
                if (writer.fixedEnabled()) {
                    long[] s = FixedMtrr.msrSpanGfn(w.msr());
                    out.add(new Zap(new GfnRange(s[0], s[1]), policy + " update_mtrr: fixed MSR 0x"
                            + Long.toHexString(w.msr()) + " span"));
                }
            }
            case DEF_TYPE -> out.add(new Zap(GfnRange.ALL52, policy + " update_mtrr: DEF_TYPE write zaps all"));
            default -> {
                int idx = MtrrMsr.varIndex(w.msr());
                long[] r = writer.varRange(idx);
                out.add(new Zap(GfnRange.ofGpa(r[0], r[1]), policy + " update_mtrr: new range of variable pair "
                        + idx + (w.kind() == MtrrMsr.VAR_BASE ? " (PHYSBASE write)" : " (PHYSMASK write)")));
            }
        }
    }
}
