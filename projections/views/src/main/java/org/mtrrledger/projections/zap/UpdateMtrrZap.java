package org.mtrrledger.projections.zap;

import org.mtrrledger.events.model.Hex;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep.MsrWriteFact;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * The body of {@code update_mtrr()} (arch/x86/kvm/mtrr.c, v6.4) after its gates, shared by every policy that zaps on
 * MTRR writes: nothing while E=0 unless DEF_TYPE was written; a fixed MSR zaps its span if FE=1; DEF_TYPE zaps
 * {@code [0, gpa_to_gfn(~0ULL))} whatever its value; a variable base or mask zaps the NEW pair's
 * {@code var_mtrr_range()} (the old range is not zapped; a never-written mask overflows end to 0: degenerate).
 */
final class UpdateMtrrZap {
    private UpdateMtrrZap() {
    }

    private static final PolicyText DEF_TYPE_ALL = new PolicyText(" update_mtrr: DEF_TYPE write zaps all");
    /** By {@code 2 * pair + (PHYSMASK ? 1 : 0)}. */
    private static final PolicyText[] NEW_VAR_RANGE = new PolicyText[2 * MtrrMsr.NR_VAR_MTRR];
    /** By fixed MSR, {@code fixed_msr_to_range_index() / 8}. */
    private static final PolicyText[] FIXED_SPAN = new PolicyText[FixedMtrr.NR_FIXED_RANGES / 8];

    static {
        for (int idx = 0; idx < MtrrMsr.NR_VAR_MTRR; idx++) {
            NEW_VAR_RANGE[2 * idx] = new PolicyText(" update_mtrr: new range of variable pair " + idx
                    + " (PHYSBASE write)");
            NEW_VAR_RANGE[2 * idx + 1] = new PolicyText(" update_mtrr: new range of variable pair " + idx
                    + " (PHYSMASK write)");
        }
        for (int msr : FixedMtrr.msrs()) {
            FIXED_SPAN[FixedMtrr.rangeIndex(msr) / 8] = new PolicyText(" update_mtrr: fixed MSR " + Hex.of(msr)
                    + " span");
        }
    }

    static void zap(MsrWriteFact w, MtrrState writer, PolicyId policy, List<Zap> out) {
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
                    out.add(new Zap(new GfnRange(s[0], s[1]),
                            FIXED_SPAN[FixedMtrr.rangeIndex(w.msr()) / 8].of(policy)));
                }
            }
            case DEF_TYPE -> out.add(new Zap(GfnRange.ALL52, DEF_TYPE_ALL.of(policy)));
            default -> {
                int idx = MtrrMsr.varIndex(w.msr());
                long[] r = writer.varRange(idx);
                out.add(new Zap(GfnRange.ofGpa(r[0], r[1]),
                        NEW_VAR_RANGE[2 * idx + (w.kind() == MtrrMsr.VAR_BASE ? 0 : 1)].of(policy)));
            }
        }
    }
}
