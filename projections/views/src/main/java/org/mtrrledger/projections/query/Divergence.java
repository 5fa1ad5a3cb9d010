package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.memtype.SdmMtrrResolver;

/** Every range where KVM's resolution of a vCPU's guest MTRRs disagrees with the SDM's ({@code mtrr divergence}). */
public final class Divergence {
    private Divergence() {
    }

    /** One range of one vCPU where the two resolvers disagree on the guest-MTRR memtype. */
    public record Row(String vm, int vcpu, int partition, long offset, SnapshotDiff.Changed changed) {
        /** The memtype by KVM's resolver. */
        public String kvm() {
            return changed.before().memtypeLabel();
        }

        /** The memtype by the SDM. */
        public String sdm() {
            return changed.after().memtypeLabel();
        }
    }

    /** The disagreements of every vCPU of {@code vm} at {@code at} (latest when null), in vCPU then GFN order. */
    public static List<Row> of(LedgerQueries q, String vm, Long at) {
        VmLedger l = q.foldAt(vm, at);
        long offset = at == null ? l.lastOffset() : at;
        List<Row> out = new ArrayList<>();
        for (VcpuState v : l.vm().vcpus()) {
            SnapshotTarget tg = new SnapshotTarget.Vcpu(v.index());
            MemtypeSnapshot kvm = MemtypeSnapshot.of(l.vm(), l.perVm(), tg, l.partition(), offset,
                    KvmMtrrResolver.INSTANCE, KernelEra.V6_4);
            MemtypeSnapshot sdm = MemtypeSnapshot.of(l.vm(), l.perVm(), tg, l.partition(), offset,
                    SdmMtrrResolver.INSTANCE, KernelEra.V6_4);
            for (SnapshotDiff.Changed c : SnapshotDiff.between(kvm, sdm)) {
                if (c.before().memtype() != c.after().memtype()) {
                    out.add(new Row(vm, v.index(), l.partition(), offset, c));
                }
            }
        }
        return out;
    }
}
