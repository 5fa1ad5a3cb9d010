package org.mtrrledger.events.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/**
 * {@link MtrrState#modCount()} moves on every mutation, so that a cache keyed on a state instance and its modCount
 * (the guest memtype maps of projections) never serves what it resolved from contents that were since replaced.
 */
class MtrrStateModCountTest {
    private static final int MAXPHYADDR = 46;
    /** WB default type, MTRRs enabled. */
    private static final long DEF_TYPE_WB_ENABLED = MtrrState.DEF_TYPE_E | 6;

    private static MtrrState enabledWb() {
        MtrrState s = new MtrrState();
        s.write(MtrrMsr.DEF_TYPE, MtrrMsr.MSR_MTRR_DEF_TYPE, DEF_TYPE_WB_ENABLED, MAXPHYADDR);
        return s;
    }

    @Test
    void shouldBumpTheModCountOnCopyFrom() {
        MtrrState target = new MtrrState();
        long before = target.modCount();
        target.copyFrom(enabledWb());
        assertNotEquals(before, target.modCount());
        assertEquals(enabledWb(), target);
    }

    @Test
    void shouldBumpTheModCountOnCopyFromEvenWhenTheContentsAreEqual() {
        MtrrState target = enabledWb();
        long before = target.modCount();
        target.copyFrom(enabledWb());
        assertNotEquals(before, target.modCount());
    }

    @Test
    void shouldBumpTheModCountOnWriteAndClear() {
        MtrrState s = new MtrrState();
        long afterNew = s.modCount();
        s.write(MtrrMsr.DEF_TYPE, MtrrMsr.MSR_MTRR_DEF_TYPE, DEF_TYPE_WB_ENABLED, MAXPHYADDR);
        long afterWrite = s.modCount();
        assertNotEquals(afterNew, afterWrite);
        s.clear();
        assertNotEquals(afterWrite, s.modCount());
        assertEquals(new MtrrState(), s);
    }

    @Test
    void shouldStartACopyAtZeroAndLeaveTheOriginalAlone() {
        MtrrState original = enabledWb();
        long before = original.modCount();
        MtrrState copy = original.copy();
        assertEquals(0, copy.modCount());
        assertEquals(before, original.modCount());
        assertEquals(original, copy);
    }
}
