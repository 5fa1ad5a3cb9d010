package org.mtrrledger.engine.fold;

import java.util.List;

/**
 * What one event did to the state, kept for audit: whether it took effect, why not, and each value it changed.
 *
 * @param status  applied, rejected (KVM would inject #GP or fail the ioctl) or ignored (outside the model)
 * @param reason  why it was rejected or ignored; null when applied
 * @param changes each state value it changed, old to new
 * @param notes   anything else worth knowing (an implicitly created vCPU, a trace/model disagreement)
 */
public record Outcome(Status status, String reason, List<Change> changes, List<String> notes) {
    public enum Status { APPLIED, REJECTED, IGNORED }

    /** One changed value: {@code what} names it ("msr 0x2ff", "cr0", "noncoherent_dma_count", ...). */
    public record Change(String what, long oldValue, long newValue) {
    }

    public Outcome {
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    public boolean applied() {
        return status == Status.APPLIED;
    }
}
