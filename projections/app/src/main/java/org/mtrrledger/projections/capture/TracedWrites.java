package org.mtrrledger.projections.capture;

import java.util.Set;
import org.mtrrledger.events.model.Cr0;

/**
 * Which of the guest's writes a KVM host would have traced. Under VMX a WRMSR exits unless KVM passes the MSR
 * through, and a MOV to CR0 exits only when it changes a bit that the host owns; only exits reach
 * {@code kvm_emulate_wrmsr()} and {@code handle_cr()}, where {@code kvm_msr} and {@code kvm_cr} fire.
 */
public enum TracedWrites {
    /**
     * What KVM on VMX with EPT traces: not the MSRs whose write intercept {@code vmx_vcpu_create()} always disables
     * (FS/GS/KERNEL_GS base, SYSENTER CS/ESP/EIP), and not a CR0 write that changes only guest-owned bits
     * ({@link Cr0#GUEST_OWNED}, the same test the generator applies to its own CR0 writes).
     */
    KVM_VMX {
        @Override
        boolean traced(GuestWrite w) {
            if (w instanceof GuestWrite.Msr m) {
                return !PASSTHROUGH_MSRS.contains(m.msr());
            }
            if (w instanceof GuestWrite.Cr0 c) {
                return Cr0.exits(c.before(), c.value());
            }
            return true;
        }
    },
    /** Every write the guest executed, as if nothing were passed through. */
    ALL {
        @Override
        boolean traced(GuestWrite w) {
            return true;
        }
    };

    static final Set<Long> PASSTHROUGH_MSRS = Set.of(0xc0000100L, 0xc0000101L, 0xc0000102L, 0x174L, 0x175L, 0x176L);

    abstract boolean traced(GuestWrite w);
}
