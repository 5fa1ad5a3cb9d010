package org.mtrrledger.engine.pervm;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.FoldStep.Cr0Fact;
import org.mtrrledger.engine.fold.FoldStep.MsrWriteFact;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;

/**
 * The seed thread's per-VM proposal (domain doc 9.1/9.4, P7): one MTRR state for the whole VM, taken from every
 * accepted MTRR write of any vCPU, and the GFN ranges whose type it changed since the last drain (the dirty-range
 * tracker). Not KVM state, so not in {@link VmState}: it is a second fold over what KVM's fold did
 * ({@link #apply}), run by the pipeline right after it, and read by the per-vm-dirty policy and the per-VM memtype
 * view. The pipeline is its only writer ({@link org.mtrrledger.engine.pipeline.Pipeline#step}); projections read
 * it through {@link org.mtrrledger.engine.pipeline.Folded}.
 *
 * <p>Encoding ({@link #writeTo}): the copy's {@link MtrrState}, then the tracker's ranges.
 */
public final class PerVmCopy {
    /** What one event did to the copy; the per-vm-dirty policy reacts to it. */
    public sealed interface Change permits Unchanged, Marked, Drained {
    }

    /**
     * Nothing marked and no drain. A write can change the copy yet mark nothing: one whose old and new spans are both
     * empty (PHYSBASE of a pair whose mask was never written).
     */
    public enum Unchanged implements Change { INSTANCE }

    /** An accepted MTRR write changed the copy and marked these spans dirty (never empty). */
    public record Marked(List<GfnRange> spans) implements Change {
    }

    /** CD 1->0 of any vCPU while honoring: the tracker's ranges, merged and sorted (possibly none). */
    public record Drained(List<GfnRange> ranges) implements Change {
    }

    private final MtrrState mtrr;
    private final DirtyRangeTracker dirty;

    private PerVmCopy(MtrrState mtrr, DirtyRangeTracker dirty) {
        this.mtrr = mtrr;
        this.dirty = dirty;
    }

    public static PerVmCopy empty() {
        return new PerVmCopy(new MtrrState(), new DirtyRangeTracker());
    }

    public MtrrState mtrr() {
        return mtrr;
    }

    public DirtyRangeTracker dirty() {
        return dirty;
    }

    /**
     * Advances the copy past one event, given what KVM's fold did ({@code step}) and the VM state it left
     * ({@code vm}). Domain doc 9.4 (P7): an accepted MTRR write of any vCPU (not PAT) is taken into the copy; CR0.CD
     * 1->0 of any vCPU while KVM honors guest MTRRs drains the tracker (the policy decides whether it zaps the
     * drained ranges or everything). The value compared and taken is the vCPU's stored one, which is what the
     * write stores into the copy too (a mask with its reserved bits set).
     */
    public Change apply(VmState vm, FoldStep step) {
        if (step.fact() instanceof MsrWriteFact w && w.kind() != MtrrMsr.PAT) {
            List<GfnRange> marked = write(w.kind(), w.msr(), w.newStored(), vm.settings().maxPhysAddr());
            return marked.isEmpty() ? Unchanged.INSTANCE : new Marked(marked);
        }
        if (step.fact() instanceof Cr0Fact c && c.cdCleared() && vm.honorsGuestMtrrs()) {
            return new Drained(dirty.drain());
        }
        return Unchanged.INSTANCE;
    }

    /**
     * An accepted MTRR write (not PAT): compared with the copy (a mask in stored form), and if it differs taken and
     * its span marked dirty (fixed MSR: its span; variable base or mask: the old and the new {@code var_mtrr_range}
     * spans; DEF_TYPE: everything). Returns the spans marked.
     */
    private List<GfnRange> write(MtrrMsr kind, long msr, long data, int maxPhys) {
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

    public PerVmCopy copy() {
        return new PerVmCopy(mtrr.copy(), dirty.copy());
    }

    /** The copy's MTRRs, then the tracker's ranges. */
    public void writeTo(DataOutput out) throws IOException {
        mtrr.writeTo(out);
        dirty.writeTo(out);
    }

    public static PerVmCopy readFrom(DataInput in) throws IOException {
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
