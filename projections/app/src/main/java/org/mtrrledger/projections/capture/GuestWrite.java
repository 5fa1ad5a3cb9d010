package org.mtrrledger.projections.capture;

/**
 * What a captured guest did, in execution order: a WRMSR, a CR0 write, or an INIT that QEMU's {@code cpu_reset} log
 * showed after the guest had started (a KVM trace has no line for INIT; the capture writes it as a
 * {@code # mtrr: vcpu N init} record).
 */
sealed interface GuestWrite {
    int vcpu();

    /** @param msr ECX; @param value EDX:EAX */
    record Msr(int vcpu, long msr, long value) implements GuestWrite {
    }

    /**
     * @param value  the raw operand, as kvm_cr prints it
     * @param before CR0 as last logged for this vCPU before the write (what VMX compares with its read shadow)
     */
    record Cr0(int vcpu, long value, long before) implements GuestWrite {
    }

    record Init(int vcpu) implements GuestWrite {
    }
}
