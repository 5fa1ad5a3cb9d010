package org.mtrrledger.projections.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.engine.pipeline.Folded;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.testing.Gens;
import org.mtrrledger.projections.RandomLogs;
import org.mtrrledger.projections.hazard.PossibleSets;
import org.mtrrledger.projections.memtype.EptView;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.Zap;
import org.mtrrledger.projections.zap.ZapPolicy;

/**
 * The optimised projection (re-adds only the vCPUs an event can change, caches maps) against domain doc 9.2/9.4
 * applied literally: after EVERY event, EVERY online vCPU's EPT entries are added to the possible-sets.
 */
class PolicyProjectionReferenceTest {
    private static final String VM = "vm-ref";

    @Test
    void shouldMatchTheLiteralReadingOfTheHazardRules() {
        qt().withExamples(60).forAll(longs().all(), Gens.intsIn(1, 5))
                .checkAssert(PolicyProjectionReferenceTest::assertMatchesTheLiteralReadingOfTheHazardRules);
    }

    private static void assertMatchesTheLiteralReadingOfTheHazardRules(long seed, int vcpus) {
        List<MtrrEvent> log = RandomLogs.of(VM, seed, 300, vcpus);
        Pipeline pipeline = new Pipeline(new PolicyProjection());
        VmLedger ledger = pipeline.newLedger(VM);
        VmState refVm = VmState.empty(VM);
        PerVmCopy refPerVm = PerVmCopy.empty();
        PossibleSets[] refSets = new PossibleSets[PolicyId.values().length];
        Arrays.setAll(refSets, i -> new PossibleSets());
        List<ZapPolicy> policies = ZapPolicy.all();
        for (int off = 0; off < log.size(); off++) {
            Pipeline.Step st = pipeline.step(ledger, new EventRef("t", 0, off), log.get(off));
            FoldStep f = Fold.apply(refVm, log.get(off));
            Folded folded = new Folded(refVm, f, refPerVm, refPerVm.apply(refVm, f));
            long limit = refVm.settings().gfnLimit();
            List<GfnRange> zapsSeen = new ArrayList<>();
            for (ProjectionRecord r : st.records()) {
                if (r.output() == PolicyProjection.ZAP_OUTPUT) {
                    zapsSeen.add(org.mtrrledger.projections.zap.ZapRecord.decode(r.value()).range());
                }
            }
            List<GfnRange> zapsRef = new ArrayList<>();
            for (ZapPolicy p : policies) {
                List<Zap> zs = new ArrayList<>();
                p.zaps(folded, zs);
                for (Zap z : zs) {
                    zapsRef.add(z.range());
                    GfnRange c = z.range().clip(limit);
                    if (c != null) {
                        refSets[p.id().code].clear(c);
                    }
                }
                for (VcpuState v : refVm.vcpus()) {
                    if (v.online()) {
                        refSets[p.id().code].add(EptView.of(p.era(), refVm, v, KvmMtrrResolver.INSTANCE
                                .resolve(p.mtrrSource().of(refVm, refPerVm, v), refVm.settings())), off);
                    }
                }
            }
            assertEquals(zapsRef, zapsSeen, "zaps at offset " + off);
            PoliciesState s = (PoliciesState) ledger.projection();
            for (PolicyId p : PolicyId.values()) {
                assertEquals(refSets[p.code], s.possible(p), p.label + " possible-sets after offset " + off);
            }
        }
    }
}
