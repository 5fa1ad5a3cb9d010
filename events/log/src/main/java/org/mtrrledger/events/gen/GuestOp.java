package org.mtrrledger.events.gen;

/** One guest instruction that KVM traces: WRMSR (kvm_msr) or MOV to CR0 (kvm_cr). */
sealed interface GuestOp {
    record WrMsr(long msr, long value) implements GuestOp {
    }

    record MovCr0(long value) implements GuestOp {
    }

    static GuestOp wrmsr(long msr, long value) {
        return new WrMsr(msr, value);
    }

    static GuestOp cr0(long value) {
        return new MovCr0(value);
    }
}
