package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep.MsrWriteFact;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.MtrrMsr;

/** When an accepted MTRR write reaches {@link UpdateMtrrZap} (the body of {@code update_mtrr()}). */
enum MsrWriteRule {
    /** v6.3-v6.6 {@code update_mtrr()}: not for PAT, only with {@code tdp_enabled} and non-coherent DMA. */
    UPSTREAM_V64 {
        @Override
        boolean gate(VmState vm, int vcpu, MsrWriteFact w) {
            return w.kind() != MtrrMsr.PAT && vm.settings().tdpEnabled() && vm.hasNoncoherentDma();
        }
    },
    /** v6.7+: {@code kvm_mmu_honors_guest_mtrrs()}; PAT left mtrr.c in v6.5 and never zaps. */
    HONORED {
        @Override
        boolean gate(VmState vm, int vcpu, MsrWriteFact w) {
            return w.kind() != MtrrMsr.PAT && vm.honorsGuestMtrrs();
        }
    },
    /** Yan Zhao v2 patch 6: {@code update_mtrr()} returns early unless {@code vcpu_id == 0}. */
    HONORED_VCPU0_ONLY {
        @Override
        boolean gate(VmState vm, int vcpu, MsrWriteFact w) {
            return vcpu == 0 && HONORED.gate(vm, vcpu, w);
        }
    },
    /** Yan Zhao v4 patch 6 and Sean's sketch: {@code if (kvm_is_cr0_bit_set(vcpu, X86_CR0_CD)) return;}. */
    HONORED_UNLESS_WRITER_CD {
        @Override
        boolean gate(VmState vm, int vcpu, MsrWriteFact w) {
            return HONORED.gate(vm, vcpu, w) && !w.writerCd();
        }
    },
    /** v6.11+ and the per-VM dirty tracker: MTRR writes never zap. */
    NEVER {
        @Override
        boolean gate(VmState vm, int vcpu, MsrWriteFact w) {
            return false;
        }
    };

    abstract boolean gate(VmState vm, int vcpu, MsrWriteFact w);

    void zaps(VmState vm, int vcpu, MsrWriteFact w, PolicyId policy, List<Zap> out) {
        if (gate(vm, vcpu, w)) {
            UpdateMtrrZap.zap(w, vm.vcpu(vcpu).mtrr(), policy, out);
        }
    }
}
