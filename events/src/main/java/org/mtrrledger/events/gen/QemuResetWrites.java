package org.mtrrledger.events.gen;

import org.mtrrledger.events.avro.LifecycleOp;

/**
 * QEMU's reset-time register load for one vCPU: a RESET (CR0 back to 0x60000010 via KVM_SET_SREGS, untraced) and
 * {@code kvm_put_msrs()}'s MTRR entries as host-initiated KVM_SET_MSRS writes, in QEMU's order (doc §2.2):
 * MTRRdefType; 0x250, 0x258, 0x259, 0x268…0x26F; PHYSBASE(i), PHYSMASK(i) for i = 0..7. QEMU's copy is zero after
 * reset, so all 28 values are 0. They are untraced but go through {@code update_mtrr()}, so they can zap.
 */
final class QemuResetWrites {
    private QemuResetWrites() {
    }

    static void run(VmSink sink, int vcpu) {
        sink.lifecycle(vcpu, LifecycleOp.RESET);
        sink.host(vcpu, Msrs.DEF_TYPE, 0);
        for (long fixed : Msrs.FIXED) {
            sink.host(vcpu, fixed, 0);
        }
        for (int i = 0; i < Msrs.VAR_COUNT; i++) {
            sink.host(vcpu, Msrs.physBase(i), 0);
            sink.host(vcpu, Msrs.physMask(i), 0);
        }
    }
}
