package org.mtrrledger.projections.ledger;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.engine.pipeline.Folded;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.OutputSpec;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.memtype.MemtypeMap;
import org.mtrrledger.projections.zap.Zap;
import org.mtrrledger.projections.zap.ZapPolicy;
import org.mtrrledger.projections.zap.MtrrSource;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * Runs every {@link ZapPolicy} and its hazard tracking inside the fold loop, in the order of domain doc 9.4: (1) the
 * fold has run; (2) each policy computes its zap list; (3) the zaps clear the possible-sets; (4) the event's check
 * points are evaluated; (5) every online vCPU's current EPT entry is added to the possible-sets. Check points count
 * only while KVM honors guest MTRRs (EPT and non-coherent DMA).
 *
 * <p>Per VM it keeps {@link PoliciesState} (persisted with the fold state: each policy's possible-sets and counters)
 * and a {@link PolicyMemo} (working memory only). Its records, per event: each policy's zaps (output
 * {@link #ZAP_OUTPUT}, table {@link #ZAPS}, numbered per policy in the order KVM issues them), then its hazards
 * (output {@link #HAZARD_OUTPUT}, table {@link #HAZARDS}, numbered per policy).
 */
public final class PolicyProjection implements Projection<PoliciesState, PolicyMemo> {
    /** The zap records, a {@link ZapRecord} per {@code kvm_zap_gfn_range()} call, in the family "zaps". */
    public static final OutputSpec<ZapRecord> ZAPS =
            OutputSpec.of("zaps", ValueCodec.of(ZapRecord::encode, ZapRecord::decode));
    /** The hazard records, a {@link Hazard} per stale or disagreeing range at a check point, in "hazards". */
    public static final OutputSpec<Hazard> HAZARDS =
            OutputSpec.of("hazards", ValueCodec.of(Hazard::encode, Hazard::decode));
    /** This projection's tables ({@link #outputs()}); a record's {@link ProjectionRecord#output()} indexes it. */
    public static final List<OutputSpec<?>> OUTPUTS = List.of(ZAPS, HAZARDS);
    /** The position of {@link #ZAPS} in {@link #OUTPUTS}. */
    public static final int ZAP_OUTPUT = OUTPUTS.indexOf(ZAPS);
    /** The position of {@link #HAZARDS} in {@link #OUTPUTS}. */
    public static final int HAZARD_OUTPUT = OUTPUTS.indexOf(HAZARDS);

    private final ZapPolicy[] policies = ZapPolicy.all().toArray(new ZapPolicy[0]);

    @Override
    public Class<PoliciesState> stateType() {
        return PoliciesState.class;
    }

    @Override
    public List<OutputSpec<?>> outputs() {
        return OUTPUTS;
    }

    @Override
    public PoliciesState initial(String vm) {
        return new PoliciesState();
    }

    @Override
    public PoliciesState decode(byte[] bytes) {
        return PoliciesState.decode(bytes);
    }

    @Override
    public PolicyMemo newMemo() {
        return new PolicyMemo();
    }

    @Override
    public void settle(PoliciesState state, PolicyMemo memo) {
        for (int i = 0; i < PoliciesState.POLICIES; i++) {
            state.possible[i].settle(memo.sets[i]);
        }
    }

    /** The policies' state of a ledger this projection made (or an equal one: any {@code PolicyProjection}). */
    public static PoliciesState stateOf(VmLedger ledger) {
        return PoliciesState.class.cast(ledger.projection());
    }

    @Override
    public List<ProjectionRecord> project(PoliciesState s, PolicyMemo memo, Folded folded, EventRef ref,
            MtrrEvent event) {
        VmState vm = folded.vm();
        FoldStep step = folded.step();
        List<ProjectionRecord> out = null;
        long limit = vm.settings().gfnLimit();
        GuestMapCache guestMaps = memo.maps.forEvent(vm, folded.perVm(), step.vcpu());
        List<Zap> zaps = memo.zaps;
        CheckPoint checkPoint = CheckPoint.of(vm, step, ref.offset(), guestMaps);
        boolean vcpuChanged = changedVcpu(step);
        // The event's vCPU if the event changed it (Fold mutates no other vCPU): looked up once, not per policy.
        VcpuState changed = vcpuChanged && step.vcpu() >= 0 ? vm.vcpu(step.vcpu()) : null;
        for (ZapPolicy p : policies) {
            int i = p.id().code;
            zaps.clear();
            p.zaps(folded, zaps);
            boolean cleared = false;
            for (int k = 0; k < zaps.size(); k++) {
                Zap z = zaps.get(k);
                out = orNew(out);
                out.add(new ProjectionRecord(ZAP_OUTPUT, i, k,
                        new ZapRecord(p.id(), ref.offset(), k, step.vcpu(), z.range(), z.rule()).encode()));
                GfnRange c = z.range().clip(limit);
                s.counters[i].countZap(z.range(), c, limit);
                if (c != null) {
                    s.possible[i].clear(c, memo.sets[i]);
                    cleared = true;
                }
            }
            if (checkPoint != null) {
                s.possible[i].settle(memo.sets[i]);
                List<Hazard> hazards = checkPoint.hazards(p.id(), s.possible[i], ref.offset());
                for (int k = 0; k < hazards.size(); k++) {
                    Hazard h = hazards.get(k);
                    out = orNew(out);
                    out.add(new ProjectionRecord(HAZARD_OUTPUT, i, h.seq(), h.encode()));
                    switch (h.kind()) {
                        case MEMTYPE -> s.counters[i].memtypeHazards++;
                        case IPAT -> s.counters[i].ipatHazards++;
                        case MTRR_DISAGREEMENT -> s.counters[i].disagreementHazards++;
                    }
                }
            }
            addOnlineVcpus(p, s.possible[i], memo.sets[i], memo.added[i], folded, cleared, vcpuChanged, changed,
                    ref.offset(), guestMaps);
        }
        zaps.clear();
        return out == null ? List.of() : out;
    }

    /** Most events produce no record: the list is made for the first one. */
    private static List<ProjectionRecord> orNew(List<ProjectionRecord> out) {
        return out != null ? out : new ArrayList<>(4);
    }

    /**
     * Step (5) of domain doc 9.4. Adding an entry twice changes nothing, so only vCPUs whose EPT entries may differ
     * from what they last added are re-added: all of them after a zap of this policy or a VM-wide change
     * (settings, the non-coherent DMA count, the per-VM copy for {@link MtrrSource#PER_VM_COPY}, vCPU 0 for
     * {@link MtrrSource#VCPU0}); otherwise only the event's own vCPU, if the event changed it. And a map the policy
     * added since its last zap is not added again (maps are interned: vCPUs in the same state share one).
     */
    private static void addOnlineVcpus(ZapPolicy p, PossibleSets possible, PossibleSets.Work work, AddedMaps added,
            Folded folded, boolean zapped, boolean vcpuChanged, VcpuState changed, long offset,
            GuestMapCache guestMaps) {
        if (zapped) {
            added.clear();
        }
        boolean all = zapped || affectsEveryVcpu(p, folded, vcpuChanged);
        if (!all) {
            if (changed != null && changed.online()) {
                add(possible, work, added, guestMaps.eptOfEventVcpu(p.era(), p.mtrrSource(), changed), offset);
            }
            return;
        }
        List<MemtypeMap> maps = guestMaps.eptOfOnlineVcpus(p.era(), p.mtrrSource());
        for (int k = 0; k < maps.size(); k++) {
            add(possible, work, added, maps.get(k), offset);
        }
    }

    private static void add(PossibleSets possible, PossibleSets.Work work, AddedMaps added, MemtypeMap ept,
            long offset) {
        if (!added.contains(ept)) {
            possible.add(ept, offset, work);
            added.add(ept);
        }
    }

    private static boolean changedVcpu(FoldStep step) {
        return !step.outcome().changes().isEmpty() || !step.outcome().notes().isEmpty();
    }

    private static boolean affectsEveryVcpu(ZapPolicy p, Folded folded, boolean vcpuChanged) {
        FoldStep step = folded.step();
        if (step.vcpu() < 0) {
            return step.outcome().applied() && !step.outcome().changes().isEmpty();
        }
        return switch (p.mtrrSource()) {
            case VCPU0 -> step.vcpu() == 0 && vcpuChanged;
            case PER_VM_COPY -> folded.perVmChange() instanceof PerVmCopy.Marked;
            case FAULTING_VCPU -> false;
        };
    }
}
