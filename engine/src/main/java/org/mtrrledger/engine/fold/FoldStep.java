package org.mtrrledger.engine.fold;

import java.util.List;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MtrrMsr;

/**
 * The result of folding one event: its {@link Outcome} plus the facts zap policies and hazard checks need, each
 * null unless it applies to this event. The VM state after the event is passed alongside.
 *
 * @param vcpu      the vCPU the event concerned, -1 for VM-scoped events
 * @param outcome   the audit outcome
 * @param msrWrite  an accepted MTRR or PAT write
 * @param cr0Write  an accepted guest CR0 write (via {@code kvm_set_cr0()})
 * @param dma       a DMA operation
 * @param perVm     what the per-VM copy and its dirty-range tracker did
 */
public record FoldStep(int vcpu, Outcome outcome, MsrWriteFact msrWrite, Cr0Fact cr0Write, DmaFact dma,
        PerVmFact perVm) {

    /**
     * @param writerCd CR0.CD of the writing vCPU when it wrote (proposals skip zaps while CD=1)
     */
    public record MsrWriteFact(MtrrMsr kind, long msr, long oldStored, long newStored, boolean hostInitiated,
            boolean writerCd) {
    }

    public record Cr0Fact(long oldCr0, long newCr0) {
        public boolean cdToggled() {
            return ((oldCr0 ^ newCr0) & org.mtrrledger.events.model.Cr0.CD) != 0;
        }

        public boolean cdCleared() {
            return cdToggled() && (newCr0 & org.mtrrledger.events.model.Cr0.CD) == 0;
        }
    }

    /**
     * @param startOrStop the count went 0 to 1 on register or to 0 on unregister
     *                    ({@code kvm_noncoherent_dma_assignment_start_or_stop()} in v6.7)
     */
    public record DmaFact(org.mtrrledger.events.avro.DmaOpKind op, int countBefore, int countAfter,
            boolean startOrStop, GfnRange transferGfns) {
    }

    /**
     * @param marked  ranges marked dirty by this event
     * @param drained the tracker's ranges drained at this event (CD 1->0 while honoring), null if no drain
     */
    public record PerVmFact(List<GfnRange> marked, List<GfnRange> drained) {
    }
}
