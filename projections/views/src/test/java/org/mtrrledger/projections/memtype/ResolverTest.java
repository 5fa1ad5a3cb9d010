package org.mtrrledger.projections.memtype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.VmSettings;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.FixedMtrr;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.events.testing.Ev;

/** The kvm resolver against {@code kvm_mtrr_get_guest_memory_type()}, the sdm resolver against the SDM. */
class ResolverTest {
    private static final String VM = "vm-1";
    private static final VmSettings S46 = VmSettings.DEFAULT;

    private static MtrrState state(long... msrValuePairs) {
        VmState s = VmState.empty(VM);
        Fold.apply(s, Ev.create(VM, 0));
        for (int i = 0; i < msrValuePairs.length; i += 2) {
            Fold.apply(s, Ev.msr(VM, 0, msrValuePairs[i], msrValuePairs[i + 1]));
        }
        return s.vcpu(0).mtrr();
    }

    /** WB 0-4 GiB (pair 0) overlapped by UC 3-4 GiB (pair 1): UC has the higher base, so KVM sees it first. */
    private static final MtrrState WB_WITH_UC_HOLE = state(0x200, 0x6, 0x201, 0x3fff00000800L, 0x202, 0xc0000000L,
            0x203, 0x3fffc0000800L, 0x2ff, 0x800);

    @Test
    void shouldReturnWbInsideAUcHoleOverlappedByALowerBasedWbRange() {
        assertEquals(MemType.WB.code, KvmMtrrResolver.INSTANCE.typeAt(WB_WITH_UC_HOLE, S46, 0xc0000));
        assertEquals(MemType.UC.code, SdmMtrrResolver.INSTANCE.typeAt(WB_WITH_UC_HOLE, S46, 0xc0000));
    }

    @Test
    void shouldResolveTheWholeSpaceAsMergedRanges() {
        MemtypeMap kvm = KvmMtrrResolver.INSTANCE.resolve(WB_WITH_UC_HOLE, S46);
        assertEquals(2, kvm.size());
        assertEquals(MemType.WB.code, kvm.value(0));
        assertEquals(0x100000, kvm.end(0));
        assertEquals(MemType.UC.code, kvm.value(1), "default type 0 above 4 GiB");
        MemtypeMap sdm = SdmMtrrResolver.INSTANCE.resolve(WB_WITH_UC_HOLE, S46);
        assertEquals(MemType.UC.code, sdm.valueAt(0xc0000));
        assertEquals(MemType.WB.code, sdm.valueAt(0xbffff));
    }

    @Test
    void shouldUseUcWhenDisabledAndWbWithoutCpuidMtrr() {
        MtrrState off = state(0x2ff, 0x6);
        assertEquals(MemType.UC.code, KvmMtrrResolver.INSTANCE.typeAt(off, S46, 0));
        assertEquals(MemType.WB.code,
                KvmMtrrResolver.INSTANCE.typeAt(off, new VmSettings(46, false, true, true), 0));
    }

    @Test
    void shouldUseFixedBytesBelow1MibOnlyWithFe() {
        MtrrState fe = state(0x259, 0x0101010101010101L, 0x2ff, 0xc06);
        assertEquals(MemType.WC.code, KvmMtrrResolver.INSTANCE.typeAt(fe, S46, 0xa0));
        MtrrState noFe = state(0x259, 0x0101010101010101L, 0x2ff, 0x806);
        assertEquals(MemType.WB.code, KvmMtrrResolver.INSTANCE.typeAt(noFe, S46, 0xa0));
    }

    @Test
    void shouldCombineWtAndWbToWtAndOtherConflictsToWb() {
        MtrrState wtwb = state(0x200, 0x4, 0x201, 0x3fff00000800L, 0x202, 0x6, 0x203, 0x3fff00000800L, 0x2ff, 0x800);
        assertEquals(MemType.WT.code, KvmMtrrResolver.INSTANCE.typeAt(wtwb, S46, 0x10));
        MtrrState wcwp = state(0x200, 0x1, 0x201, 0x3fff00000800L, 0x202, 0x5, 0x203, 0x3fff00000800L, 0x2ff, 0x800);
        assertEquals(MemType.WB.code, KvmMtrrResolver.INSTANCE.typeAt(wcwp, S46, 0x10));
        assertEquals(GuestMtrrResolver.UNDEFINED, SdmMtrrResolver.INSTANCE.typeAt(wcwp, S46, 0x10));
    }

    @Test
    void shouldGiveEptTypesPerKernelEra() {
        assertEquals(EptEntry.pack(6, true), KernelEra.V6_4.ept(false, false, true, 0));
        assertEquals(EptEntry.pack(6, true), KernelEra.V6_4.ept(true, true, true, 0));
        assertEquals(EptEntry.pack(6, false), KernelEra.V6_7.ept(true, true, true, 0));
        assertEquals(EptEntry.pack(0, true), KernelEra.V6_7.ept(true, true, false, 6));
        assertEquals(EptEntry.pack(0, false), KernelEra.V6_7.ept(true, false, true, 0));
        assertEquals(EptEntry.pack(6, false), KernelEra.V6_11.ept(true, false, true, 0));
        assertEquals(EptEntry.pack(6, true), KernelEra.V6_11.ept(false, false, true, 0));
    }

    /**
     * {@link KvmMtrrResolver#resolve} merges the sorted variable-range boundaries into the fixed ones, which are
     * ascending already; it must give exactly the map of its first reading: every boundary sorted, evaluated by
     * {@code typeAt}, equal neighbours merged. Random states: any valid type, pairs with contiguous, holed or
     * never-written masks, E and FE either way, MAXPHYADDR 36-52.
     */
    @Test
    void shouldResolveExactlyAsTypeAtAtEverySortedBoundary() {
        qt().withExamples(2000).forAll(longs().all())
                .checkAssert(ResolverTest::assertResolvesExactlyAsTypeAtAtEverySortedBoundary);
    }

    private static void assertResolvesExactlyAsTypeAtAtEverySortedBoundary(long seed) {
        Random r = new Random(seed);
        int[] types = {0, 1, 4, 5, 6};
        int maxPhys = 36 + r.nextInt(17);
        VmSettings settings = new VmSettings(maxPhys, r.nextBoolean(), true, true);
        MtrrState m = new MtrrState();
        for (int w = 0, n = r.nextInt(40); w < n; w++) {
            int pick = r.nextInt(10);
            if (pick < 2) {
                int msr = FixedMtrr.msrs()[r.nextInt(11)];
                long data = 0;
                int t = types[r.nextInt(types.length)];
                for (int b = 0; b < 8; b++) {
                    t = r.nextInt(4) == 0 ? types[r.nextInt(types.length)] : t;
                    data |= (long) t << (8 * b);
                }
                m.write(MtrrMsr.FIXED, msr, data, maxPhys);
            } else if (pick < 6) {
                int pair = r.nextInt(MtrrMsr.NR_VAR_MTRR);
                long size = 1L << (12 + r.nextInt(maxPhys - 12));
                long base = (r.nextLong() & (MtrrState.reservedGpaBits(maxPhys) ^ -1L)) & -size;
                m.write(MtrrMsr.VAR_BASE, 0x200 + 2 * pair, base | types[r.nextInt(types.length)], maxPhys);
            } else if (pick < 9) {
                int pair = r.nextInt(MtrrMsr.NR_VAR_MTRR);
                long mask = -(1L << (12 + r.nextInt(maxPhys - 12)));
                mask = switch (r.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> mask ^ (1L << (12 + r.nextInt(maxPhys - 12)));
                    default -> mask;
                };
                long data = (mask & ~MtrrState.reservedGpaBits(maxPhys) & ~0xFFFL) | (r.nextInt(5) == 0 ? 0 : 0x800);
                m.write(MtrrMsr.VAR_MASK, 0x201 + 2 * pair, data, maxPhys);
            } else {
                long data = types[r.nextInt(types.length)] | (r.nextInt(5) == 0 ? 0 : 0x800)
                        | (r.nextBoolean() ? 0x400 : 0);
                m.write(MtrrMsr.DEF_TYPE, MtrrMsr.MSR_MTRR_DEF_TYPE, data, maxPhys);
            }
        }
        assertEquals(firstReading(m, settings), KvmMtrrResolver.INSTANCE.resolve(m, settings));
    }

    /** The resolver's original map: all boundaries in one array, sorted, {@code typeAt} at each. */
    private static MemtypeMap firstReading(MtrrState m, VmSettings s) {
        long limit = s.gfnLimit();
        if (!m.enabled()) {
            return MemtypeMap.constant(limit, KvmMtrrResolver.disabledType(s));
        }
        long[] b = new long[2 + FixedMtrr.NR_FIXED_RANGES + 2 * m.listLength()];
        int n = 0;
        b[n++] = 0;
        if (m.fixedEnabled()) {
            for (int i = 0; i < FixedMtrr.NR_FIXED_RANGES; i++) {
                b[n++] = FixedMtrr.rangeEndGpa(i) >>> 12;
            }
        }
        for (int i = 0; i < m.listLength(); i++) {
            long[] range = m.varRange(m.listEntry(i));
            b[n++] = range[0] >>> 12;
            b[n++] = range[1] >>> 12;
        }
        return MemtypeMap.build(limit, b, n, g -> KvmMtrrResolver.INSTANCE.typeAt(m, s, g));
    }
}
