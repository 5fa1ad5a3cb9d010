package org.mtrrledger.engine.fold;

import org.mtrrledger.events.model.Hex;
import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep.Cr0Fact;
import org.mtrrledger.engine.fold.FoldStep.DmaFact;
import org.mtrrledger.engine.fold.FoldStep.MsrWriteFact;
import org.mtrrledger.engine.fold.ChangedField.Named;
import org.mtrrledger.engine.fold.FoldStep.NoFact;
import org.mtrrledger.engine.fold.Outcome.Change;
import org.mtrrledger.engine.fold.Outcome.Status;
import org.mtrrledger.events.model.Cr0;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.DmaOp;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.avro.VcpuLifecycle;
import org.mtrrledger.events.avro.VmConfig;

/**
 * KVM's fold: {@code (state, event) -> (state', step)}, deterministic and free of I/O. Live consumption, rebuild and
 * time travel all run it through the one {@link org.mtrrledger.engine.pipeline.Pipeline#step}, so they cannot
 * disagree.
 *
 * <p>It mirrors KVM v6.4: {@code kvm_mtrr_set_msr()} for the MTRR window, {@code kvm_set_cr0()} for guest CR0
 * writes, {@code kvm_vcpu_reset()} for INIT/RESET and the kvm-vfio non-coherent DMA count. A rejected write
 * changes nothing. Events for a vCPU that was never created create it first (traces carry no creation events),
 * and the outcome says so.
 */
public final class Fold {
    private Fold() {
    }

    public static FoldStep apply(VmState s, MtrrEvent e) {
        s.countEvent();
        Object p = e.getPayload();
        if (p instanceof VmConfig c) {
            return vmConfig(s, c);
        }
        if (p instanceof DmaOp d) {
            return dma(s, d);
        }
        Integer vcpuIndex = e.getVcpu();
        if (vcpuIndex == null || vcpuIndex < 0) {
            return new FoldStep(-1, rejected("a " + EventKind.of(e).type() + " event needs a vCPU index", List.of()),
                    NoFact.NONE);
        }
        List<String> notes = new ArrayList<>(1);
        if (p instanceof VcpuLifecycle l) {
            return lifecycle(s, vcpuIndex, l, notes);
        }
        VcpuState v = s.vcpu(vcpuIndex);
        if (v == null) {
            v = VcpuState.created(vcpuIndex, Cr0.RESET_VALUE);
            s.addVcpu(v);
            notes.add("vCPU " + vcpuIndex + " implicitly created (no create event before its first event)");
        }
        if (p instanceof MsrWrite w) {
            return msrWrite(s, v, w, notes);
        }
        if (p instanceof Cr0Write c) {
            return cr0Write(s, v, c, notes);
        }
        throw new IllegalArgumentException("unknown payload " + p.getClass().getName());
    }

    private static Outcome rejected(String reason, List<String> notes) {
        return new Outcome(Status.REJECTED, reason, List.of(), notes);
    }

    private static FoldStep vmConfig(VmState s, VmConfig c) {
        VmSettings next;
        try {
            next = new VmSettings(c.getMaxPhysAddr(), c.getGuestHasMtrr(), c.getTdpEnabled(), c.getQuirkCdNwCleared());
        } catch (IllegalArgumentException ex) {
            return new FoldStep(-1, rejected("vm_config: " + ex.getMessage(), List.of()), NoFact.NONE);
        }
        VmSettings old = s.settings();
        List<Change> ch = new ArrayList<>(4);
        if (old.maxPhysAddr() != next.maxPhysAddr()) {
            ch.add(new Change(Named.MAXPHYADDR, old.maxPhysAddr(), next.maxPhysAddr()));
        }
        if (old.guestHasMtrr() != next.guestHasMtrr()) {
            ch.add(new Change(Named.GUEST_HAS_MTRR, bit(old.guestHasMtrr()), bit(next.guestHasMtrr())));
        }
        if (old.tdpEnabled() != next.tdpEnabled()) {
            ch.add(new Change(Named.TDP_ENABLED, bit(old.tdpEnabled()), bit(next.tdpEnabled())));
        }
        if (old.quirkCdNwCleared() != next.quirkCdNwCleared()) {
            ch.add(new Change(Named.QUIRK_CD_NW_CLEARED, bit(old.quirkCdNwCleared()), bit(next.quirkCdNwCleared())));
        }
        s.settings(next);
        return new FoldStep(-1, new Outcome(Status.APPLIED, null, ch, List.of()), NoFact.NONE);
    }

    private static long bit(boolean b) {
        return b ? 1 : 0;
    }

    private static FoldStep dma(VmState s, DmaOp d) {
        int before = s.noncoherentDmaCount();
        switch (d.getOp()) {
            case NONCOHERENT_REGISTER -> {
                // kvm_arch_register_noncoherent_dma(): atomic_inc; v6.7 zaps when atomic_inc_return() == 1.
                int after = before + 1;
                s.noncoherentDmaCount(after);
                return dmaStep(d, before, after, after == 1, null);
            }
            case NONCOHERENT_UNREGISTER -> {
                // atomic_dec; v6.7 zaps when !atomic_dec_return(). An unbalanced unregister goes negative, and a
                // negative count still reads as "has non-coherent DMA", as atomic_read() != 0 does in KVM.
                int after = before - 1;
                s.noncoherentDmaCount(after);
                List<String> notes = after < 0 ? List.of("unbalanced unregister: count is now " + after) : List.of();
                return new FoldStep(-1, new Outcome(Status.APPLIED, null,
                        List.of(new Change(Named.NONCOHERENT_DMA_COUNT, before, after)), notes),
                        new DmaFact(d.getOp(), before, after, after == 0, null));
            }
            case TRANSFER -> {
                Long gpa = d.getGpa();
                Long len = d.getLength();
                if (gpa == null || len == null || len <= 0) {
                    return new FoldStep(-1, rejected("dma transfer needs gpa and a positive length", List.of()),
                            NoFact.NONE);
                }
                long endGpa = gpa + len;
                GfnRange gfns = new GfnRange(gpa >>> 12, ((endGpa - 1) >>> 12) + 1);
                return new FoldStep(-1, new Outcome(Status.APPLIED, null, List.of(), List.of()),
                        new DmaFact(d.getOp(), before, before, false, gfns));
            }
            default -> throw new IllegalArgumentException("unknown DMA op " + d.getOp());
        }
    }

    private static FoldStep dmaStep(DmaOp d, int before, int after, boolean startOrStop, GfnRange gfns) {
        return new FoldStep(-1, new Outcome(Status.APPLIED, null,
                List.of(new Change(Named.NONCOHERENT_DMA_COUNT, before, after)), List.of()),
                new DmaFact(d.getOp(), before, after, startOrStop, gfns));
    }

    private static FoldStep lifecycle(VmState s, int index, VcpuLifecycle l, List<String> notes) {
        VcpuState v = s.vcpu(index);
        switch (l.getOp()) {
            case CREATE -> {
                if (v != null) {
                    return new FoldStep(index, rejected("vCPU " + index + " already exists (KVM_CREATE_VCPU: EEXIST)",
                            notes), NoFact.NONE);
                }
                // The initial CR0 is set as KVM_SET_SREGS sets it: through the vendor set_cr0 hook, no
                // kvm_set_cr0() checks (v6.4's kvm_is_valid_sregs() does not look at CR0), no trace, no zap.
                long cr0 = l.getInitialCr0() == null ? Cr0.RESET_VALUE : l.getInitialCr0();
                s.addVcpu(VcpuState.created(index, cr0));
                return applied(index, List.of(new Change(Named.CR0, 0, cr0)), notes);
            }
            default -> {
            }
        }
        if (v == null) {
            v = VcpuState.created(index, Cr0.RESET_VALUE);
            s.addVcpu(v);
            notes.add("vCPU " + index + " implicitly created (no create event before its first event)");
        }
        switch (l.getOp()) {
            case ONLINE, OFFLINE -> {
                boolean on = l.getOp() == org.mtrrledger.events.avro.LifecycleOp.ONLINE;
                List<Change> ch = v.online() == on ? List.of() : List.of(new Change(Named.ONLINE, bit(v.online()), bit(on)));
                v.online(on);
                return applied(index, ch, notes);
            }
            case INIT, RESET -> {
                // kvm_vcpu_reset(): CR0 goes through the vendor set_cr0 hook, not kvm_set_cr0(): no kvm_cr trace,
                // no kvm_post_set_cr0(), no CD zap. MTRRs are untouched; the vCPU stays online.
                long old = v.cr0();
                long cr0 = l.getOp() == org.mtrrledger.events.avro.LifecycleOp.INIT ? Cr0.afterInit(old)
                        : Cr0.RESET_VALUE;
                v.cr0(cr0);
                List<Change> ch = old == cr0 ? List.of() : List.of(new Change(Named.CR0, old, cr0));
                return applied(index, ch, notes);
            }
            default -> throw new IllegalArgumentException("unknown lifecycle op " + l.getOp());
        }
    }

    private static FoldStep applied(int index, List<Change> ch, List<String> notes) {
        return new FoldStep(index, new Outcome(Status.APPLIED, null, ch, notes), NoFact.NONE);
    }

    private static FoldStep msrWrite(VmState s, VcpuState v, MsrWrite w, List<String> notes) {
        long msr = w.getMsr();
        long data = w.getValue();
        MtrrMsr kind = MtrrMsr.classify(msr);
        if (kind == MtrrMsr.OUTSIDE_WINDOW) {
            return new FoldStep(v.index(), new Outcome(Status.IGNORED,
                    "MSR " + Hex.of(msr) + " is not routed to mtrr.c", List.of(), notes), NoFact.NONE);
        }
        int maxPhys = s.settings().maxPhysAddr();
        String invalid = MtrrState.invalidReason(kind, msr, data, maxPhys);
        if (w.getFaulted()) {
            // The source says the real WRMSR faulted: it changed nothing, whatever the model thinks.
            if (invalid == null) {
                notes.add("the model would accept this write; the source trace shows #GP");
            }
            return new FoldStep(v.index(), rejected(invalid == null ? "#GP in the source trace" : "#GP: " + invalid,
                    notes), NoFact.NONE);
        }
        if (invalid != null) {
            if (!w.getHostInitiated()) {
                notes.add("the source trace shows no #GP for this write");
            }
            return new FoldStep(v.index(), rejected("#GP: " + invalid, notes), NoFact.NONE);
        }
        long old;
        long now;
        if (kind == MtrrMsr.PAT) {
            old = v.pat();
            v.pat(data);
            now = data;
        } else {
            MtrrState m = v.mtrr();
            old = m.stored(kind, msr);
            m.write(kind, msr, data, maxPhys);
            now = m.stored(kind, msr);
        }
        List<Change> ch = old == now ? List.of() : List.of(new Change(ChangedField.msr(msr), old, now));
        return new FoldStep(v.index(), new Outcome(Status.APPLIED, null, ch, notes),
                new MsrWriteFact(kind, msr, old, now, w.getHostInitiated(), v.cd()));
    }

    private static FoldStep cr0Write(VmState s, VcpuState v, Cr0Write c, List<String> notes) {
        long raw = c.getValue();
        String invalid = Cr0.invalidReason(raw);
        if (invalid != null) {
            return new FoldStep(v.index(), rejected("#GP: " + invalid, notes), NoFact.NONE);
        }
        long old = v.cr0();
        long now = Cr0.effective(raw);
        v.cr0(now);
        List<Change> ch = old == now ? List.of() : List.of(new Change(Named.CR0, old, now));
        return new FoldStep(v.index(), new Outcome(Status.APPLIED, null, ch, notes), new Cr0Fact(old, now));
    }
}
