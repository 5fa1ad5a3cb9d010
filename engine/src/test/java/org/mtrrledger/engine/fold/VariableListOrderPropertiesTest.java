package org.mtrrledger.engine.fold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.events.testing.Ev;
import org.quicktheories.core.Gen;

/**
 * {@code set_var_mtrr_msr()}'s list, restated independently: exactly the pairs whose stored mask has V set, ordered
 * by raw 64-bit base descending, equal bases newest (most recently written while valid) first; masks stored with
 * the bits above MAXPHYADDR set, RDMSR giving back what was written.
 */
class VariableListOrderPropertiesTest {
    private static final String VM = "vm-p";

    record Write(int msr, long value) {
    }

    static Gen<List<Write>> writes() {
        Gen<Integer> msr = integers().between(0x200, 0x20f);
        Gen<Long> base = arbitrary().pick(0x0L, 0x80000000L, 0xc0000000L, 0x80000006L, 0x100000000L, 0x6L,
                0xc0000001L);
        Gen<Long> mask = arbitrary().pick(0x0L, 0x800L, 0x3fffc0000800L, 0x3fff80000800L, 0x3fffc0000000L,
                0x3ffff0000800L);
        return lists().of(msr.zip(base, mask, (m, b, k) -> new Write(m, (m & 1) == 0 ? b : k))).ofSizeBetween(0, 60);
    }

    @Test
    void shouldKeepKvmsListOrder() {
        qt().withExamples(400).forAll(writes()).checkAssert(VariableListOrderPropertiesTest::assertKvmsListOrder);
    }

    private static void assertKvmsListOrder(List<Write> writes) {
        VmState s = VmState.empty(VM);
        Fold.apply(s, Ev.create(VM, 0));
        long[] linkedAt = new long[8];
        long clock = 0;
        long[] writtenMask = new long[8];
        for (Write w : writes) {
            Fold.apply(s, Ev.msr(VM, 0, w.msr(), w.value()));
            int idx = (w.msr() - 0x200) / 2;
            if ((w.msr() & 1) == 1) {
                writtenMask[idx] = w.value();
            }
            if (s.vcpu(0).mtrr().isValid(idx)) {
                linkedAt[idx] = ++clock;
            }
        }
        MtrrState m = s.vcpu(0).mtrr();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            if ((writtenMask[i] & MtrrState.PHYSMASK_V) != 0) {
                expected.add(i);
            }
        }
        expected.sort(Comparator.<Integer>comparingLong(i -> m.base(i)).reversed()
                .thenComparing(Comparator.<Integer>comparingLong(i -> linkedAt[i]).reversed()));
        List<Integer> actual = new ArrayList<>();
        for (int i = 0; i < m.listLength(); i++) {
            actual.add(m.listEntry(i));
        }
        assertEquals(expected, actual);
        for (int i = 0; i < 8; i++) {
            long stored = m.stored(MtrrMsr.VAR_MASK, 0x201 + 2 * i);
            assertEquals(writtenMask[i] == 0 && stored == 0 ? 0 : writtenMask[i] | MtrrState.reservedGpaBits(46),
                    stored);
            assertEquals(writtenMask[i], m.rdmsr(MtrrMsr.VAR_MASK, 0x201 + 2 * i, 46));
        }
    }
}
