package org.mtrrledger.engine.fold;

import org.mtrrledger.events.avro.DmaOpKind;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MtrrMsr;

/**
 * The result of folding one event: its {@link Outcome} plus one {@link Fact}, typed by what the event did, for
 * the zap policies and hazard checks. The VM state after the event is passed alongside.
 *
 * @param vcpu    the vCPU the event concerned, -1 for VM-scoped events
 * @param outcome the audit outcome
 * @param fact    what the policies react to; {@link NoFact#NONE} for everything they ignore
 */
public record FoldStep(int vcpu, Outcome outcome, Fact fact) {

    /** What an event did, one type per kind of event the projections react to. */
    public sealed interface Fact permits MsrWriteFact, Cr0Fact, DmaFact, NoFact {
    }

    /** A rejected or ignored event, a VM config or vCPU lifecycle event: no policy reacts to it by kind. */
    public enum NoFact implements Fact { NONE }

    /**
     * An accepted MTRR or PAT write.
     *
     * @param writerCd CR0.CD of the writing vCPU when it wrote (proposals skip zaps while CD=1)
     */
    public record MsrWriteFact(MtrrMsr kind, long msr, long oldStored, long newStored, boolean hostInitiated,
            boolean writerCd) implements Fact {
    }

    /** An accepted guest CR0 write (via {@code kvm_set_cr0()}). */
    public record Cr0Fact(long oldCr0, long newCr0) implements Fact {
        public boolean cdToggled() {
            return ((oldCr0 ^ newCr0) & Cr0.CD) != 0;
        }

        public boolean cdCleared() {
            return cdToggled() && (newCr0 & Cr0.CD) == 0;
        }
    }

    /**
     * A non-coherent DMA registration, unregistration or transfer.
     *
     * @param startOrStop  the count went 0 to 1 on register or to 0 on unregister
     *                     ({@code kvm_noncoherent_dma_assignment_start_or_stop()} in v6.7)
     * @param transferGfns the GFNs a transfer touches, null for (un)registration
     */
    public record DmaFact(DmaOpKind op, int countBefore, int countAfter, boolean startOrStop, GfnRange transferGfns)
            implements Fact {
    }
}
