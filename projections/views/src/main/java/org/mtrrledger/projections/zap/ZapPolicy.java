package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.pipeline.Folded;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * A rule set for what KVM (or a proposal from the seed thread) zaps on MTRR writes, CR0.CD toggles and
 * non-coherent DMA start/stop (domain doc section 9), and which state EPT memtypes come from.
 */
public interface ZapPolicy {
    PolicyId id();

    /** The {@code vmx_get_mt_mask()} column this policy's EPT entries follow. */
    KernelEra era();

    /** Where the guest-MTRR type of a fault by {@code faultingVcpu} comes from. */
    MtrrSource mtrrSource();

    /** The zaps for one folded event, in the order KVM issues them. */
    void zaps(Folded folded, List<Zap> out);

    /**
     * The eight policies of domain doc section 9, in {@link PolicyId} order. Memtype sources per 9.4: v6.4 and Yan v2
     * use the v6.3-v6.6 EPT rules, v6.11 its own, everything else v6.7's.
     */
    static List<ZapPolicy> all() {
        return List.of(
                new RulePolicy(PolicyId.V6_4, KernelEra.V6_4, MtrrSource.FAULTING_VCPU, MsrWriteRule.UPSTREAM_V64,
                        Cr0Rule.ALL64_ON_TOGGLE_V64, DmaRule.NEVER),
                new RulePolicy(PolicyId.V6_7, KernelEra.V6_7, MtrrSource.FAULTING_VCPU, MsrWriteRule.HONORED,
                        Cr0Rule.ALL64_ON_TOGGLE_HONORED_QUIRK_OFF, DmaRule.ALL52_ON_START_STOP),
                new RulePolicy(PolicyId.YAN_V2_VCPU0, KernelEra.V6_4, MtrrSource.VCPU0, MsrWriteRule.HONORED_VCPU0_ONLY,
                        Cr0Rule.ALL64_ON_TOGGLE_HONORED_QUIRK_OFF, DmaRule.ALL52_ON_START_STOP),
                new RulePolicy(PolicyId.YAN_V4_CD_TOGGLE, KernelEra.V6_7, MtrrSource.FAULTING_VCPU,
                        MsrWriteRule.HONORED_UNLESS_WRITER_CD, Cr0Rule.ALL64_ON_TOGGLE_HONORED,
                        DmaRule.ALL52_ON_START_STOP),
                new RulePolicy(PolicyId.YAN_V4_FINE, KernelEra.V6_7, MtrrSource.FAULTING_VCPU,
                        MsrWriteRule.HONORED_UNLESS_WRITER_CD, Cr0Rule.FINE_LIST_ON_TOGGLE, DmaRule.ALL52_ON_START_STOP),
                new RulePolicy(PolicyId.SEAN_CD_NONWB, KernelEra.V6_7, MtrrSource.FAULTING_VCPU,
                        MsrWriteRule.HONORED_UNLESS_WRITER_CD, Cr0Rule.NON_WB_ON_CLEAR, DmaRule.ALL52_ON_START_STOP),
                new RulePolicy(PolicyId.V6_11, KernelEra.V6_11, MtrrSource.FAULTING_VCPU, MsrWriteRule.NEVER,
                        Cr0Rule.NEVER, DmaRule.ALL52_ON_START_STOP),
                new RulePolicy(PolicyId.PER_VM_DIRTY, KernelEra.V6_7, MtrrSource.PER_VM_COPY, MsrWriteRule.NEVER,
                        Cr0Rule.DRAIN_DIRTY_ON_CLEAR, DmaRule.ALL52_ON_START_STOP));
    }
}
