package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep.Cr0Fact;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.events.model.GfnRange;

/** What an accepted guest CR0 write zaps ({@code kvm_post_set_cr0()} and the proposals that replace it). */
enum Cr0Rule {
    /** v6.3-v6.6: a CD toggle with non-coherent DMA and the quirk off zaps the raw [0, ~0ULL); no tdp check. */
    ALL64_ON_TOGGLE_V64 {
        @Override
        void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out) {
            if (c.cdToggled() && vm.hasNoncoherentDma() && !vm.settings().quirkCdNwCleared()) {
                out.add(new Zap(GfnRange.ALL64, TOGGLED_QUIRK_OFF.of(policy)));
            }
        }
    },
    /** v6.7 (and Yan v2 patch 2): the same, gated by honoring guest MTRRs (EPT). */
    ALL64_ON_TOGGLE_HONORED_QUIRK_OFF {
        @Override
        void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out) {
            if (c.cdToggled() && vm.honorsGuestMtrrs() && !vm.settings().quirkCdNwCleared()) {
                out.add(new Zap(GfnRange.ALL64, TOGGLED_HONORING_QUIRK_OFF.of(policy)));
            }
        }
    },
    /** Yan Zhao v4 patch 6: any CD toggle while honoring zaps [0, ~0ULL), whatever the quirk. */
    ALL64_ON_TOGGLE_HONORED {
        @Override
        void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out) {
            if (c.cdToggled() && vm.honorsGuestMtrrs()) {
                out.add(new Zap(GfnRange.ALL64, TOGGLED_WHILE_HONORING.of(policy)));
            }
        }
    },
    /** Yan Zhao v4 patches 9+10: the fine-grained zap list on a CD toggle while honoring. */
    FINE_LIST_ON_TOGGLE {
        @Override
        void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out) {
            if (c.cdToggled() && vm.honorsGuestMtrrs()) {
                FineZapList.onCdToggle(vm, vm.vcpu(vcpu).mtrr(), out);
            }
        }
    },
    /** Sean's sketch: only CD 1->0 while honoring; quirk off zaps all, quirk on the non-WB ranges. */
    NON_WB_ON_CLEAR {
        @Override
        void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out) {
            if (c.cdCleared() && vm.honorsGuestMtrrs()) {
                if (!vm.settings().quirkCdNwCleared()) {
                    out.add(new Zap(GfnRange.ALL64, CLEARED_QUIRK_OFF.of(policy)));
                } else {
                    NonWbZapList.zap(vm, vm.vcpu(vcpu).mtrr(), out);
                }
            }
        }
    },
    /** The per-VM copy: its tracker was drained at CD 1->0 while honoring ({@link PerVmCopy#apply}); zap that. */
    DRAIN_DIRTY_ON_CLEAR {
        @Override
        void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out) {
            if (!(perVm instanceof PerVmCopy.Drained drained)) {
                return;
            }
            if (!vm.settings().quirkCdNwCleared()) {
                out.add(new Zap(GfnRange.ALL64, CLEARED_QUIRK_OFF_TRACKER.of(policy)));
                return;
            }
            for (GfnRange r : drained.ranges()) {
                out.add(new Zap(r, DIRTY_RANGE.of(policy)));
            }
        }
    },
    /** v6.11+: CR0.CD is not virtualized on Intel. */
    NEVER {
        @Override
        void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out) {
        }
    };

    abstract void zaps(VmState vm, int vcpu, Cr0Fact c, PerVmCopy.Change perVm, PolicyId policy, List<Zap> out);

    private static final PolicyText TOGGLED_QUIRK_OFF = new PolicyText(" kvm_post_set_cr0: CR0.CD toggled, quirk off");
    private static final PolicyText TOGGLED_HONORING_QUIRK_OFF =
            new PolicyText(" kvm_post_set_cr0: CR0.CD toggled, honoring, quirk off");
    private static final PolicyText TOGGLED_WHILE_HONORING =
            new PolicyText(" kvm_post_set_cr0: CR0.CD toggled while honoring");
    private static final PolicyText CLEARED_QUIRK_OFF = new PolicyText(" CD 1->0, quirk off: zap all");
    private static final PolicyText CLEARED_QUIRK_OFF_TRACKER =
            new PolicyText(" CD 1->0, quirk off: zap all, tracker cleared");
    private static final PolicyText DIRTY_RANGE = new PolicyText(" CD 1->0: dirty range of the per-VM copy");
}
