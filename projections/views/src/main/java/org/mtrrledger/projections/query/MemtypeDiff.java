package org.mtrrledger.projections.query;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.engine.consume.TimeTravel;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;

/**
 * The ranges whose memtype changed between two offsets of a VM, with the events in between that changed them
 * ({@code mtrr diff}, {@code GET /api/vms/{vm}/diff}).
 */
public final class MemtypeDiff {
    private MemtypeDiff() {
    }

    /** One changed range of one target, and the events whose step changed an overlapping range. */
    public record Row(String vm, SnapshotTarget target, long from, long to, SnapshotDiff.Changed changed,
            List<StoredEvent> why) {
    }

    private record Step(long offset, StoredEvent event, List<MemtypeSnapshot> after) {
    }

    /**
     * The changes of every vCPU (or only {@code vcpu}) and, when {@code vcpu} is null, of the per-VM copy, between
     * {@code from} and {@code to} ({@code from <= to}).
     */
    public static List<Row> between(LedgerQueries q, String vm, long from, long to, Integer vcpu,
            GuestMtrrResolver r, KernelEra era) {
        if (to < from) {
            throw new IllegalArgumentException("to " + to + " is before from " + from);
        }
        VmLedger ledger = q.foldAt(vm, from).copy();
        VmLedger end = q.foldAt(vm, to);
        List<SnapshotTarget> targets = new ArrayList<>();
        for (VcpuState v : end.vm().vcpus()) {
            if (vcpu == null || v.index() == vcpu) {
                targets.add(new SnapshotTarget.Vcpu(v.index()));
            }
        }
        if (vcpu == null) {
            targets.add(SnapshotTarget.PER_VM);
        }
        List<MemtypeSnapshot> before = snaps(ledger, targets, from, r, era);
        List<Step> steps = new ArrayList<>();
        q.foldTimeTravel().replay(ledger, vm, from + 1, to, (TimeTravel.ReplayVisitor) e ->
                steps.add(new Step(e.ref().offset(), e, snaps(ledger, targets, e.ref().offset(), r, era))));
        List<MemtypeSnapshot> after = snaps(ledger, targets, to, r, era);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            if (before.get(i) == null || after.get(i) == null) {
                continue;
            }
            for (SnapshotDiff.Changed c : SnapshotDiff.between(before.get(i), after.get(i))) {
                List<StoredEvent> why = new ArrayList<>();
                MemtypeSnapshot prev = before.get(i);
                for (Step s : steps) {
                    MemtypeSnapshot cur = s.after().get(i);
                    if (prev == null || cur == null || SnapshotDiff.between(prev, cur).stream()
                            .anyMatch(x -> x.startGfn() < c.endGfn() && c.startGfn() < x.endGfn())) {
                        why.add(s.event());
                    }
                    prev = cur;
                }
                out.add(new Row(vm, targets.get(i), from, to, c, why));
            }
        }
        return out;
    }

    private static List<MemtypeSnapshot> snaps(VmLedger l, List<SnapshotTarget> targets, long offset,
            GuestMtrrResolver r, KernelEra era) {
        List<MemtypeSnapshot> out = new ArrayList<>();
        for (SnapshotTarget t : targets) {
            boolean exists = !(t instanceof SnapshotTarget.Vcpu v) || l.vm().vcpu(v.index()) != null;
            out.add(exists ? MemtypeSnapshot.of(l.vm(), l.perVm(), t, l.partition(), offset, r, era) : null);
        }
        return out;
    }
}
