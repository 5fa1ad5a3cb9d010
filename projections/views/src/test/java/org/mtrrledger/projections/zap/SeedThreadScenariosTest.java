package org.mtrrledger.projections.zap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.projections.InMemoryRun;
import org.mtrrledger.projections.hazard.HazardKind;

/** The scenarios argued in the seed thread, replayed through the real pipeline. */
class SeedThreadScenariosTest {
    private static final String VM = "vm-ovmf";
    private static final long UC_FIXED = 0L;
    private static final long WB_FIXED = 0x0606060606060606L;

    /** Sean's OVMF VM: DEF_TYPE 0xc06, fixed 0-15 WB, 16-87 UC, variable UC 0x80000000-0x100000000. */
    private static InMemoryRun seansOvmfUnderCd(boolean withKernelPciHole) {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.config(VM, 46, true, true, true), Ev.create(VM, 0),
                Ev.dmaRegister(VM), Ev.cr0(VM, 0, 0x60000011L), Ev.msr(VM, 0, 0x2ff, 0x0),
                Ev.msr(VM, 0, 0x250, WB_FIXED), Ev.msr(VM, 0, 0x258, WB_FIXED), Ev.msr(VM, 0, 0x259, UC_FIXED));
        for (int j = 0; j < 8; j++) {
            run.apply(Ev.msr(VM, 0, 0x268 + j, UC_FIXED));
        }
        run.apply(Ev.msr(VM, 0, 0x200, 0x80000000L), Ev.msr(VM, 0, 0x201, 0x3fff80000800L));
        if (withKernelPciHole) {
            run.apply(Ev.msr(VM, 0, 0x202, 0x800000000L), Ev.msr(VM, 0, 0x203, 0x3ff800000800L));
        }
        return run.apply(Ev.msr(VM, 0, 0x2ff, 0xc06));
    }

    private static List<GfnRange> ranges(List<ZapRecord> zaps) {
        return zaps.stream().map(ZapRecord::range).toList();
    }

    @Test
    void shouldZapExactlyTheVgaHoleAndThe32BitPciHoleUnderSeanAtCdClear() {
        InMemoryRun run = seansOvmfUnderCd(false).apply(Ev.cr0(VM, 0, 0x11L));
        assertEquals(List.of(new GfnRange(0xa0, 0x100), new GfnRange(0x80000, 0x100000)),
                ranges(run.zapsAt(PolicyId.SEAN_CD_NONWB, run.lastOffset())));
    }

    @Test
    void shouldAddTheKernels64BitPciHoleAsAThirdZap() {
        InMemoryRun run = seansOvmfUnderCd(true).apply(Ev.cr0(VM, 0, 0x11L));
        assertEquals(List.of(new GfnRange(0xa0, 0x100), new GfnRange(0x800000, 0x1000000),
                new GfnRange(0x80000, 0x100000)), ranges(run.zapsAt(PolicyId.SEAN_CD_NONWB, run.lastOffset())),
                "KVM list order is base-descending: the 32-64 GiB range comes before the 2-4 GiB one");
    }

    @Test
    void shouldSkipMtrrWriteZapsWhileCdIsSetUnderSeanButNotUnderV64() {
        InMemoryRun run = seansOvmfUnderCd(false);
        assertEquals(List.of(2L), run.zaps(PolicyId.SEAN_CD_NONWB).stream().map(ZapRecord::offset).toList(),
                "only the non-coherent DMA start (offset 2) zaps; the MTRR writes come with CR0.CD=1");
        List<ZapRecord> v64 = run.zaps(PolicyId.V6_4);
        // v6.4 has no DMA start zap
        assertEquals(List.of(GfnRange.ALL52, GfnRange.ALL52), ranges(v64),
                "only the two DEF_TYPE writes zap: fixed/variable writes happen with E=0");
    }

    @Test
    void shouldMakeYansFiveStepsAHazardUnderSeanAndNotUnderV64() {
        // (1) one fixed range (0x259, 0xA0000-0xBFFFF) is UC, all others WB, and it has UC leaves: CD=0.
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.config(VM, 46, true, true, true), Ev.create(VM, 0),
                Ev.dmaRegister(VM), Ev.cr0(VM, 0, 0x60000011L), Ev.msr(VM, 0, 0x250, WB_FIXED),
                Ev.msr(VM, 0, 0x258, WB_FIXED), Ev.msr(VM, 0, 0x259, UC_FIXED));
        for (int j = 0; j < 8; j++) {
            run.apply(Ev.msr(VM, 0, 0x268 + j, WB_FIXED));
        }
        run.apply(Ev.msr(VM, 0, 0x2ff, 0xc06), Ev.cr0(VM, 0, 0x11L));
        int hazardsBefore = run.hazards.size();
        // (2) CR0.CD=1; (3) MTRRs disabled; (4) the range set to WB, MTRRs enabled; (5) CR0.CD=0.
        run.apply(Ev.cr0(VM, 0, 0x40000011L), Ev.msr(VM, 0, 0x2ff, 0x406), Ev.msr(VM, 0, 0x259, WB_FIXED),
                Ev.msr(VM, 0, 0x2ff, 0xc06), Ev.cr0(VM, 0, 0x11L));
        long checkPoint = run.lastOffset();
        var sean = run.hazards(PolicyId.SEAN_CD_NONWB).stream()
                .filter(h -> h.offset() == checkPoint && h.kind() == HazardKind.MEMTYPE).toList();
        assertEquals(1, sean.size());
        assertEquals(new GfnRange(0xa0, 0xc0), sean.get(0).range());
        assertEquals(6, sean.get(0).demanded());
        assertEquals(1 << 0, sean.get(0).staleMask(), "UC (IPAT 0) leaves may still be installed");
        assertFalse(run.hazards(PolicyId.V6_4).stream()
                .anyMatch(h -> h.offset() == checkPoint && h.kind() == HazardKind.MEMTYPE));
        assertTrue(run.hazards(PolicyId.V6_4).stream()
                .anyMatch(h -> h.offset() == checkPoint && h.kind() == HazardKind.IPAT),
                "v6.4 leaves WB|IPAT entries from the CD=1 window");
        assertTrue(hazardsBefore >= 0);
    }

    @Test
    void shouldZapAllOnDefTypeWriteEvenWhenDisablingUnderV64() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.dmaRegister(VM), Ev.msr(VM, 0, 0x2ff, 0x0),
                Ev.msr(VM, 0, 0x2ff, 0x0));
        assertEquals(2, run.zaps(PolicyId.V6_4).size());
    }

    @Test
    void shouldNotZapWithoutNoncoherentDmaUnderV64() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.msr(VM, 0, 0x2ff, 0xc06));
        assertTrue(run.zaps(PolicyId.V6_4).isEmpty());
    }

    @Test
    void shouldZapOnlyTheNewVariableRangeAndMarkADegenerateZapForANeverWrittenMask() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.dmaRegister(VM),
                Ev.msr(VM, 0, 0x2ff, 0xc06), Ev.msr(VM, 0, 0x202, 0xc0000000L));
        List<ZapRecord> z = run.zapsAt(PolicyId.V6_4, run.lastOffset());
        assertEquals(1, z.size());
        assertTrue(z.get(0).degenerate(), "mask raw 0: end overflows to 0, kvm_zap_gfn_range WARNs");
        run.apply(Ev.msr(VM, 0, 0x203, 0x3fffc0000800L));
        assertEquals(new GfnRange(0xc0000, 0x100000), run.zapsAt(PolicyId.V6_4, run.lastOffset()).get(0).range());
        run.apply(Ev.msr(VM, 0, 0x203, 0x0));
        assertEquals(new GfnRange(0xc0000, 0x400000000L), run.zapsAt(PolicyId.V6_4, run.lastOffset()).get(0).range(),
                "mask 0 is stored as the reserved bits: [base, 2^MAXPHYADDR)");
    }

    @Test
    void shouldZapFixedSpanOnlyWithEAndFe() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.dmaRegister(VM),
                Ev.msr(VM, 0, 0x2ff, 0x806), Ev.msr(VM, 0, 0x26a, 0));
        assertTrue(run.zapsAt(PolicyId.V6_4, run.lastOffset()).isEmpty(), "FE=0");
        run.apply(Ev.msr(VM, 0, 0x2ff, 0xc06), Ev.msr(VM, 0, 0x26a, 0));
        assertEquals(new GfnRange(0xd0, 0xd8), run.zapsAt(PolicyId.V6_4, run.lastOffset()).get(0).range());
    }

    @Test
    void shouldZapRawAll64OnCdToggleWithQuirkOffInV64AndNeverWithQuirkOn() {
        MtrrEvent toggle = Ev.cr0(VM, 0, 0x11L);
        InMemoryRun on = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.dmaRegister(VM), toggle);
        assertTrue(on.zaps(PolicyId.V6_4).isEmpty());
        InMemoryRun off = new InMemoryRun(VM).apply(Ev.config(VM, 46, true, true, false), Ev.create(VM, 0),
                Ev.dmaRegister(VM), toggle);
        assertEquals(List.of(GfnRange.ALL64), ranges(off.zaps(PolicyId.V6_4)));
    }

    @Test
    void shouldZapAllOnNoncoherentStartAndStopFromV67On() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.dmaRegister(VM), Ev.dmaRegister(VM),
                Ev.dmaUnregister(VM), Ev.dmaUnregister(VM));
        assertEquals(2, run.zaps(PolicyId.V6_7).size());
        assertEquals(2, run.zaps(PolicyId.V6_11).size());
        assertTrue(run.zaps(PolicyId.V6_4).isEmpty());
    }

    @Test
    void shouldZapOnlyForVcpu0UnderYanV2() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.create(VM, 1), Ev.dmaRegister(VM),
                Ev.msr(VM, 1, 0x2ff, 0xc06), Ev.msr(VM, 0, 0x2ff, 0xc06));
        assertEquals(1, run.zaps(PolicyId.YAN_V2_VCPU0).stream().filter(z -> z.range().equals(GfnRange.ALL52))
                .filter(z -> z.vcpu() == 0).count());
        assertTrue(run.zaps(PolicyId.YAN_V2_VCPU0).stream().noneMatch(z -> z.vcpu() == 1));
    }

    @Test
    void shouldDirtyDefTypeOnEveryVcpuThatTogglesEUnderPerVmDirty() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.create(VM, 1), Ev.dmaRegister(VM));
        for (int v = 0; v < 2; v++) {
            run.apply(Ev.cr0(VM, v, 0x60000011L), Ev.msr(VM, v, 0x2ff, 0x0), Ev.msr(VM, v, 0x259, UC_FIXED),
                    Ev.msr(VM, v, 0x250, WB_FIXED), Ev.msr(VM, v, 0x2ff, 0xc06), Ev.cr0(VM, v, 0x11L));
        }
        List<ZapRecord> z = run.zaps(PolicyId.PER_VM_DIRTY);
        // Domain doc 9.4: every write that differs from the copy marks dirty. Each vCPU's disable (0xc06 -> 0)
        // and enable (0 -> 0xc06) of DEF_TYPE differ from the copy, so each round's CD 1->0 drains ALL52; the
        // fixed writes of vCPU 1 equal the copy and add nothing.
        assertEquals(List.of(GfnRange.ALL52, GfnRange.ALL52, GfnRange.ALL52), ranges(z));
        assertEquals(List.of(-1, 0, 1), z.stream().map(ZapRecord::vcpu).toList());
    }

    @Test
    void shouldOrderTheFineZapListByLengthThenStartDescending() {
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.create(VM, 0), Ev.dmaRegister(VM), Ev.cr0(VM, 0, 0x60000011L),
                Ev.msr(VM, 0, 0x259, UC_FIXED), Ev.msr(VM, 0, 0x200, 0x80000000L),
                Ev.msr(VM, 0, 0x201, 0x3fff80000800L), Ev.msr(VM, 0, 0x202, 0xc0000000L),
                Ev.msr(VM, 0, 0x203, 0x3fffc0000800L), Ev.msr(VM, 0, 0x204, 0x40000000L),
                Ev.msr(VM, 0, 0x205, 0x3fffc0000800L), Ev.msr(VM, 0, 0x2ff, 0xc06), Ev.cr0(VM, 0, 0x11L));
        assertEquals(List.of(new GfnRange(0x0, 0x100), new GfnRange(0xc0000, 0x100000),
                new GfnRange(0x40000, 0x80000), new GfnRange(0x80000, 0x100000)),
                ranges(run.zapsAt(PolicyId.YAN_V4_FINE, run.lastOffset())));
    }
}
