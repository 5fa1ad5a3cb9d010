package org.mtrrledger.events.gen;

import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.MtrrMsr;

/**
 * QEMU's KVM_SET_MSRS loads of a vCPU's MTRRs ({@code kvm_put_msrs()} at {@code KVM_PUT_RESET_STATE} and above, doc
 * §2.2): MTRRdefType; 0x250, 0x258, 0x259, 0x268…0x26F; PHYSBASE(i), PHYSMASK(i) for i = 0..7. QEMU's copy is zero
 * each time, so all 28 values are 0. They are untraced but go through {@code update_mtrr()}, so they can zap. A boot
 * has two rounds per vCPU, as the captures show (samples/captures/ovmf-linux-8vcpu-16g-q35-dma.trace:23-478): after
 * the vCPUs are created ({@code cpu_synchronize_all_post_init}) and after the system reset before the first
 * instruction ({@code cpu_synchronize_all_post_reset}, after KVM_SET_SREGS has put CR0 back to RESET).
 */
final class QemuResetWrites {
    private QemuResetWrites() {
    }

    /** The load after KVM_CREATE_VCPU (also a hot-plugged vCPU's only one: {@code cpu_common_realizefn}). */
    static void afterCreate(VmSink sink, int vcpu) {
        sink.host(vcpu, MtrrMsr.MSR_MTRR_DEF_TYPE, 0);
        for (int fixed : FixedMtrr.msrs()) {
            sink.host(vcpu, fixed, 0);
        }
        for (int i = 0; i < MtrrMsr.NR_VAR_MTRR; i++) {
            sink.host(vcpu, MtrrMsr.physBase(i), 0);
            sink.host(vcpu, MtrrMsr.physMask(i), 0);
        }
    }

    /** The system reset: a RESET (CR0 back to 0x60000010 via KVM_SET_SREGS, untraced), then the load. */
    static void afterReset(VmSink sink, int vcpu) {
        sink.lifecycle(vcpu, LifecycleOp.RESET);
        afterCreate(sink, vcpu);
    }
}
