package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;

/** The memtype snapshots of {@code mtrr memtype} and {@code GET /api/vms/{vm}/memtype}. */
public final class MemtypeQuery {
    private MemtypeQuery() {
    }

    /**
     * Snapshots of one VM at {@code at} (latest when null): of {@code target}, or of every vCPU when it is null. The
     * snapshots' offset is {@code at} as asked, or the VM's last offset.
     */
    public static List<MemtypeSnapshot> snapshots(LedgerQueries q, String vm, Long at, SnapshotTarget target,
            GuestMtrrResolver resolver, KernelEra era) {
        VmLedger l = q.foldAt(vm, at);
        long offset = at == null ? l.lastOffset() : at;
        List<SnapshotTarget> targets = new ArrayList<>();
        if (target != null) {
            targets.add(target);
        } else {
            for (VcpuState v : l.vm().vcpus()) {
                targets.add(new SnapshotTarget.Vcpu(v.index()));
            }
        }
        List<MemtypeSnapshot> out = new ArrayList<>(targets.size());
        for (SnapshotTarget t : targets) {
            out.add(MemtypeSnapshot.of(l.vm(), l.perVm(), t, l.partition(), offset, resolver, era));
        }
        return out;
    }
}
