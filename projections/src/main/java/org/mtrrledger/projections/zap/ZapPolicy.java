package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
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

    /** The zaps for one folded event, in the order KVM issues them; {@code vm} is the state after the event. */
    void zaps(VmState vm, FoldStep step, List<Zap> out);

    static List<ZapPolicy> all() {
        return List.of(new V64Policy(), new V67Policy(), new YanV2Vcpu0Policy(), new YanV4CdTogglePolicy(),
                new YanV4FinePolicy(), new SeanCdNonWbPolicy(), new V611Policy(), new PerVmDirtyPolicy());
    }
}
