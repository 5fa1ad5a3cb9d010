package org.mtrrledger.engine.fold;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * The seed thread's per-VM proposal (domain doc 9.1/9.4, P7): one MTRR state for the whole VM, taken from every
 * accepted MTRR write of any vCPU, and the GFN ranges whose type it changed since the last drain. Not KVM state:
 * the fold keeps it beside KVM's (in {@link VmState}) only because it is encoded there; the per-vm-dirty policy
 * and the per-VM memtype view read it.
 */
public final class PerVmCopy {
    private final MtrrState mtrr;
    private final DirtyRangeTracker dirty;

    private PerVmCopy(MtrrState mtrr, DirtyRangeTracker dirty) {
        this.mtrr = mtrr;
        this.dirty = dirty;
    }

    static PerVmCopy empty() {
        return new PerVmCopy(new MtrrState(), new DirtyRangeTracker());
    }

    public MtrrState mtrr() {
        return mtrr;
    }

    public DirtyRangeTracker dirty() {
        return dirty;
    }

    /**
     * An accepted MTRR write (not PAT): compared with the copy (a mask in stored form), and if it differs taken and
     * its span marked dirty (fixed MSR: its span; variable base or mask: the old and the new {@code var_mtrr_range}
     * spans; DEF_TYPE: everything). Returns the spans marked.
     */
    List<GfnRange> write(MtrrMsr kind, long msr, long data, int maxPhys) {
        long incoming = kind == MtrrMsr.VAR_MASK ? data | MtrrState.reservedGpaBits(maxPhys) : data;
        if (mtrr.stored(kind, msr) == incoming) {
            return List.of();
        }
        List<GfnRange> marked = new ArrayList<>(2);
        switch (kind) {
            case DEF_TYPE -> {
                mtrr.write(kind, msr, data, maxPhys);
                marked.add(GfnRange.ALL52);
            }
            case FIXED -> {
                mtrr.write(kind, msr, data, maxPhys);
                long[] span = FixedMtrr.msrSpanGfn(msr);
                marked.add(new GfnRange(span[0], span[1]));
            }
            default -> {
                int idx = MtrrMsr.varIndex(msr);
                long[] before = mtrr.varRange(idx);
                mtrr.write(kind, msr, data, maxPhys);
                long[] after = mtrr.varRange(idx);
                GfnRange oldSpan = GfnRange.ofGpa(before[0], before[1]);
                GfnRange newSpan = GfnRange.ofGpa(after[0], after[1]);
                if (!oldSpan.degenerate()) {
                    marked.add(oldSpan);
                }
                if (!newSpan.degenerate()) {
                    marked.add(newSpan);
                }
            }
        }
        for (GfnRange r : marked) {
            dirty.mark(r);
        }
        return marked;
    }

    /** CD 1->0 of any vCPU while honoring: the dirty ranges, merged and sorted; the tracker is empty afterwards. */
    List<GfnRange> drain() {
        return dirty.drain();
    }

    PerVmCopy copy() {
        return new PerVmCopy(mtrr.copy(), dirty.copy());
    }

    /** The copy's MTRRs, then the tracker's ranges. */
    void writeTo(DataOutput out) throws IOException {
        mtrr.writeTo(out);
        dirty.writeTo(out);
    }

    static PerVmCopy readFrom(DataInput in) throws IOException {
        MtrrState m = MtrrState.readFrom(in);
        return new PerVmCopy(m, DirtyRangeTracker.readFrom(in));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PerVmCopy p && p.mtrr.equals(mtrr) && p.dirty.equals(dirty);
    }

    @Override
    public int hashCode() {
        return mtrr.hashCode() * 31 + dirty.hashCode();
    }
}
