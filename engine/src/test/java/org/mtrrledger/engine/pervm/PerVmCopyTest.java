package org.mtrrledger.engine.pervm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.events.testing.Ev;

/** The seed thread's per-VM copy (domain doc 9.4, P7) folded after KVM's fold, as the pipeline runs it. */
class PerVmCopyTest {
    private static final String VM = "vm-p7";
    private static final long CR0_CD_SET = 0x60000011L;
    private static final long CR0_CD_NW_CLEAR = 0x11L;
    private static final long FIXED_64K_00000 = 0x250;
    private static final long MTRR_DEF_TYPE = 0x2ff;
    private static final long PHYSBASE0 = 0x200;
    private static final long PHYSMASK0 = 0x201;
    private static final long ALL_WB = 0x0606060606060606L;

    private final VmState vm = VmState.empty(VM);
    private final PerVmCopy copy = PerVmCopy.empty();

    private PerVmCopy.Change step(MtrrEvent e) {
        return copy.apply(vm, Fold.apply(vm, e));
    }

    /** A 46-bit VM with EPT, the quirk on, vCPUs 0 and 1 created; {@code honoring}: non-coherent DMA registered. */
    private void boot(boolean honoring) {
        step(Ev.config(VM, 46, true, true, true));
        step(Ev.create(VM, 0));
        step(Ev.create(VM, 1));
        if (honoring) {
            step(Ev.dmaRegister(VM));
        }
    }

    @Test
    void shouldTakeAChangingFixedWriteAndMarkItsSpan() {
        boot(true);
        assertEquals(PerVmCopy.Unchanged.INSTANCE, step(Ev.msr(VM, 0, 0x259, 0)), "zero into a zero copy");
        PerVmCopy.Change c = step(Ev.msr(VM, 0, FIXED_64K_00000, ALL_WB));
        assertEquals(new PerVmCopy.Marked(List.of(new GfnRange(0, 0x80))), c);
        assertEquals(ALL_WB, copy.mtrr().stored(org.mtrrledger.events.model.MtrrMsr.FIXED, FIXED_64K_00000));
        assertEquals(PerVmCopy.Unchanged.INSTANCE, step(Ev.msr(VM, 1, FIXED_64K_00000, ALL_WB)),
                "the same value from another vCPU leaves the copy as it was");
    }

    @Test
    void shouldDrainAtCdClearOfAnyVcpuOnlyWhileHonoring() {
        boot(true);
        step(Ev.cr0(VM, 0, CR0_CD_SET));
        step(Ev.msr(VM, 0, FIXED_64K_00000, ALL_WB));
        assertEquals(new PerVmCopy.Drained(List.of(new GfnRange(0, 0x80))), step(Ev.cr0(VM, 0, CR0_CD_NW_CLEAR)));
        assertTrue(copy.dirty().isEmpty());
        assertEquals(new PerVmCopy.Drained(List.of()), step(Ev.cr0(VM, 1, CR0_CD_NW_CLEAR)),
                "a fresh vCPU (CD=1 at RESET) clearing CD drains, finding nothing new");
        assertEquals(PerVmCopy.Unchanged.INSTANCE, step(Ev.cr0(VM, 1, CR0_CD_NW_CLEAR)), "no CD toggle, no drain");
    }

    @Test
    void shouldKeepMarksWithoutNoncoherentDmaUntilAClearWhileHonoring() {
        boot(false);
        step(Ev.msr(VM, 0, MTRR_DEF_TYPE, 0xc06));
        assertEquals(PerVmCopy.Unchanged.INSTANCE, step(Ev.cr0(VM, 0, CR0_CD_NW_CLEAR)), "not honoring: no drain");
        assertEquals(List.of(GfnRange.ALL52), copy.dirty().ranges());
        step(Ev.dmaRegister(VM));
        step(Ev.cr0(VM, 0, CR0_CD_SET));
        assertEquals(new PerVmCopy.Drained(List.of(GfnRange.ALL52)), step(Ev.cr0(VM, 0, CR0_CD_NW_CLEAR)));
    }

    @Test
    void shouldMarkTheOldAndTheNewSpanOfAVariableRange() {
        boot(true);
        step(Ev.msr(VM, 0, PHYSBASE0, 0x80000000L));
        PerVmCopy.Change valid = step(Ev.msr(VM, 0, PHYSMASK0, MtrrState.physMaskFor(0x80000000L, 46)));
        assertEquals(new PerVmCopy.Marked(List.of(new GfnRange(0x80000, 0x100000))), valid, "invalid -> valid");
        PerVmCopy.Change moved = step(Ev.msr(VM, 0, PHYSBASE0, 0));
        assertEquals(new PerVmCopy.Marked(List.of(new GfnRange(0x80000, 0x100000), new GfnRange(0, 0x80000))),
                moved, "the span it left and the span it took");
    }

    @Test
    void shouldIgnorePatRejectedWritesAndOtherMsrs() {
        boot(true);
        assertEquals(PerVmCopy.Unchanged.INSTANCE, step(Ev.msr(VM, 0, 0x277, 0x6L)), "PAT is not in the copy");
        assertEquals(PerVmCopy.Unchanged.INSTANCE, step(Ev.faultedMsr(VM, 0, MTRR_DEF_TYPE, 0xc06)), "rejected");
        assertEquals(PerVmCopy.Unchanged.INSTANCE, step(Ev.msr(VM, 0, 0x10, 1)), "outside mtrr.c");
        assertTrue(copy.dirty().isEmpty());
        assertEquals(PerVmCopy.empty(), copy);
    }

    @Test
    void shouldRoundTripItsEncoding() throws IOException {
        boot(true);
        step(Ev.msr(VM, 0, MTRR_DEF_TYPE, 0xc06));
        step(Ev.msr(VM, 0, PHYSBASE0, 0x80000006L));
        step(Ev.msr(VM, 0, PHYSMASK0, MtrrState.physMaskFor(0x80000000L, 46)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        copy.writeTo(new DataOutputStream(bytes));
        PerVmCopy back = PerVmCopy.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(copy, back);
        assertEquals(copy, copy.copy());
    }
}
