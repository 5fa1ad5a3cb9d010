package org.mtrrledger.projections.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.projections.InMemoryRun;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.render.MemtypeJson;

/**
 * Snapshots answer for every GFN a 64-bit GPA names, [0, 2^52), as KVM's resolver does (domain doc §9.4), and mark
 * the part at and above 2^(MAXPHYADDR-12).
 */
class MemtypeGfnSpaceTest {
    private static final String VM = "vm";
    private static final long SPACE = 1L << 52;
    private static final long DEF_TYPE = 0x2ff;
    /** E=1, FE=0, default type WB. */
    private static final long ENABLED_WB = 0x806;
    private static final int UC = 0;
    private static final int WB = 6;

    private static MemtypeSnapshot snapshot(int maxPhys, String resolver, KernelEra era, long... msrPairs) {
        // Non-coherent DMA and CR0.CD=0, so that every era's EPT column follows the guest MTRRs.
        InMemoryRun run = new InMemoryRun(VM).apply(Ev.config(VM, maxPhys, true, true, true), Ev.create(VM, 0),
                Ev.dmaRegister(VM), Ev.cr0(VM, 0, 0x80050033L));
        for (int i = 0; i < msrPairs.length; i += 2) {
            run.apply(Ev.msr(VM, 0, msrPairs[i], msrPairs[i + 1]));
        }
        return MemtypeSnapshot.of(run.ledger.vm(), run.ledger.perVm(), new SnapshotTarget.Vcpu(0), 0, run.lastOffset(),
                GuestMtrrResolver.named(resolver), era);
    }

    private static MemtypeSnapshot.Range last(MemtypeSnapshot s) {
        return s.ranges().get(s.ranges().size() - 1);
    }

    @Test
    void shouldCoverTheWholeGfnSpaceAndMarkWhatLiesBeyondMaxPhysAddr() {
        MemtypeSnapshot s = snapshot(36, "kvm", KernelEra.V6_4, DEF_TYPE, ENABLED_WB);
        assertEquals(List.of(new MemtypeSnapshot.Range(0, 1L << 24, WB, WB, false, false),
                new MemtypeSnapshot.Range(1L << 24, SPACE, WB, WB, false, true)), s.ranges(),
                "one WB default type, split at 2^(36-12)");
    }

    @Test
    void shouldResolveBeyondMaxPhysAddrWithTheMtrrDisabledTypeWhenEIsClear() {
        MemtypeSnapshot s = snapshot(40, "kvm", KernelEra.V6_4);
        assertEquals(2, s.ranges().size());
        assertEquals(UC, last(s).memtype());
        assertEquals(SPACE, last(s).endGfn());
        assertTrue(last(s).beyondMaxPhysAddr());
    }

    @Test
    void shouldLetNoVariableRangeReachBeyondMaxPhysAddr() {
        // The top 32 GiB of a 36-bit guest UC: the range ends exactly at 2^36, the default type resumes beyond.
        long base = 0xE00000000L;
        long mask = 0xE00000000L | 0x800;
        for (String resolver : List.of("kvm", "sdm")) {
            MemtypeSnapshot s = snapshot(36, resolver, KernelEra.V6_4, 0x200, base, 0x201, mask, DEF_TYPE, ENABLED_WB);
            MemtypeSnapshot.Range top = s.ranges().get(s.ranges().size() - 2);
            assertEquals(List.of(base >>> 12, 1L << 24, UC, false), List.of(top.startGfn(), top.endGfn(),
                    top.memtype(), top.beyondMaxPhysAddr()), resolver);
            assertEquals(new MemtypeSnapshot.Range(1L << 24, SPACE, WB, WB, false, true), last(s), resolver);
        }
    }

    @Test
    void shouldNotAliasAddressesAboveMaxPhysAddrOntoLowRangesUnderTheSdmResolver() {
        // PhysMask covers bits 30..35 only; (A & PhysMask) == 0 holds for 2^36 too, which no processor emits.
        MemtypeSnapshot s = snapshot(36, "sdm", KernelEra.V6_4, 0x200, 0x0, 0x201, 0xFC0000800L, DEF_TYPE, ENABLED_WB);
        assertEquals(WB, s.at(1L << 24).ranges().get(0).memtype());
        assertEquals(UC, s.at(0x100).ranges().get(0).memtype());
    }

    @Test
    void shouldStillMarkTheTopOfTheSpaceWhenTheGuestHasTheLargestMaxPhysAddr() {
        // MAXPHYADDR is at most 52 bits of GPA, i.e. 2^40 GFNs; a 64-bit GPA names 2^52 GFNs.
        MemtypeSnapshot s = snapshot(52, "kvm", KernelEra.V6_4, DEF_TYPE, ENABLED_WB);
        assertEquals(List.of(new MemtypeSnapshot.Range(0, 1L << 40, WB, WB, false, false),
                new MemtypeSnapshot.Range(1L << 40, SPACE, WB, WB, false, true)), s.ranges());
    }

    @Test
    void shouldAnswerAGpaBeyondMaxPhysAddrAndSayWhereItLies() {
        MemtypeSnapshot s = snapshot(40, "kvm", KernelEra.V6_11, DEF_TYPE, ENABLED_WB).at(0xfffffffffffff000L >>> 12);
        assertEquals(1, s.ranges().size());
        assertTrue(s.ranges().get(0).beyondMaxPhysAddr());
        Map<String, Object> json = MemtypeJson.snapshot(s);
        @SuppressWarnings("unchecked")
        Map<String, Object> range = ((List<Map<String, Object>>) json.get("ranges")).get(0);
        assertEquals(true, range.get("beyond_maxphyaddr"));
        assertEquals("0x10000000000000", range.get("end_gfn"));
        assertEquals("WB", range.get("ept_memtype"), "v6.11 with non-coherent DMA: WB without IPAT");
        assertFalse((Boolean) range.get("ipat"));
    }
}
