package org.mtrrledger.projections.zap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FirmwareChoice;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.gen.NoncoherentDma;
import org.mtrrledger.events.gen.VcpuRange;
import org.mtrrledger.projections.InMemoryRun;

/**
 * Zap counts of a generated 8-vCPU boot with non-coherent DMA, against what the seed thread reports (Yan Zhao,
 * 8 vCPUs OVMF: 84 zaps upstream against 14 with the vCPU0 per-VM MTRRs of his v2; SeaBIOS: 50). This spec leaves
 * out QEMU's host-initiated MTRR loads (16 of the 84 and of the 50), so the absolute numbers are lower; the point is
 * the proportion. {@link GeneratorVsCaptureTest} checks the full boot against the real captures.
 */
class GeneratedBootZapCountTest {
    private static InMemoryRun boot(FirmwareChoice fw) {
        GeneratorSpec spec = GeneratorSpec.defaults().withSeed(8).withVcpus(VcpuRange.exactly(8)).withFirmware(fw)
                .withNoncoherentDma(NoncoherentDma.BEFORE_BOOT);
        Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec);
        InMemoryRun run = null;
        while (it.hasNext()) {
            MtrrEvent e = it.next();
            if (run == null) {
                run = new InMemoryRun(e.getVm());
            }
            run.apply(e);
        }
        return run;
    }

    @Test
    void shouldCutOvmfZapsByVcpuCountUnderYanV2LikeTheThreadReports() {
        InMemoryRun run = boot(FirmwareChoice.OVMF);
        int upstream = run.zaps(PolicyId.V6_4).size();
        int vcpu0 = run.zaps(PolicyId.YAN_V2_VCPU0).size();
        // Every vCPU zaps twice per programming round upstream (DEF_TYPE disable + enable); only vCPU 0 does under
        // yan-v2-vcpu0, which adds the non-coherent DMA start zap: (2 rounds of vCPU0 + start) vs 8x that.
        assertTrue(upstream >= 3 * vcpu0, "v6.4 " + upstream + " vs yan-v2-vcpu0 " + vcpu0);
        assertEquals(0, run.zaps(PolicyId.V6_4).stream().filter(ZapRecord::degenerate).count());
    }

    @Test
    void shouldNeverZapOnMtrrWritesUnderV611() {
        InMemoryRun run = boot(FirmwareChoice.SEABIOS);
        assertEquals(1, run.zaps(PolicyId.V6_11).size(), "only the non-coherent DMA start");
        assertTrue(run.zaps(PolicyId.V6_4).size() > run.zaps(PolicyId.PER_VM_DIRTY).size());
    }
}
