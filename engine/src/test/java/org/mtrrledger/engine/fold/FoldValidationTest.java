package org.mtrrledger.engine.fold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mtrrledger.engine.fold.Outcome.Status;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.avro.LifecycleOp;
import org.mtrrledger.events.testing.Ev;

/** The fold against {@code kvm_mtrr_valid()}, {@code set_var_mtrr_msr()} and {@code kvm_set_cr0()} (KVM v6.4). */
class FoldValidationTest {
    private static final String VM = "vm-1";

    private static VmState vm46() {
        VmState s = VmState.empty(VM);
        Fold.apply(s, Ev.config(VM, 46, true, true, true));
        Fold.apply(s, Ev.create(VM, 0));
        return s;
    }

    private static Status write(VmState s, long msr, long value) {
        return Fold.apply(s, Ev.msr(VM, 0, msr, value)).outcome().status();
    }

    @ParameterizedTest(name = "{0} = {1} -> {2}")
    @CsvSource({
        // DEF_TYPE: data & ~0xcff, type in {0,1,4,5,6}
        "0x2ff, 0xc06, APPLIED", "0x2ff, 0x0, APPLIED", "0x2ff, 0x806, APPLIED", "0x2ff, 0x100, REJECTED",
        "0x2ff, 0x200, REJECTED", "0x2ff, 0x1000, REJECTED", "0x2ff, 0xc02, REJECTED", "0x2ff, 0xc03, REJECTED",
        "0x2ff, 0xc07, REJECTED", "0x2ff, 0xc08, REJECTED", "0x2ff, 0x8000000000000c06, REJECTED",
        // fixed: every byte a valid MTRR type (UC- = 7 is a PAT-only type)
        "0x250, 0x0606060606060606, APPLIED", "0x268, 0x0505050505050505, APPLIED",
        "0x259, 0x0700000000000000, REJECTED", "0x26f, 0x0000000000000002, REJECTED",
        // PHYSBASE: type byte valid, bits 11:8 and >= MAXPHYADDR reserved
        "0x200, 0xc0000000, APPLIED", "0x200, 0xc0000006, APPLIED", "0x200, 0xc0000100, REJECTED",
        "0x200, 0xc0000007, REJECTED", "0x200, 0x400000000000, REJECTED", "0x20e, 0x3fffff000, APPLIED",
        // PHYSMASK: bits 10:0 reserved, V (bit 11) allowed, >= MAXPHYADDR reserved
        "0x201, 0x3fffc0000800, APPLIED", "0x201, 0x3fffc0000801, REJECTED", "0x201, 0x7fffc0000800, REJECTED",
        "0x201, 0x0, APPLIED", "0x20f, 0x800, APPLIED",
        // PAT: entries 0,1,4,5,6,7
        "0x277, 0x0407050600070106, APPLIED", "0x277, 0x0007040600070402, REJECTED",
        "0x277, 0x0007040600070408, REJECTED", "0x277, 0x0007040600070403, REJECTED",
        // the MTRR window but not an MTRR: #GP; outside the window: ignored
        "0x210, 0x0, REJECTED", "0x27f, 0x0, REJECTED", "0x2a0, 0x0, REJECTED", "0x2fe, 0x0, REJECTED",
        "0x280, 0x0, IGNORED", "0x29f, 0x0, IGNORED", "0xfe, 0x508, IGNORED", "0x3a, 0x5, IGNORED"
    })
    void shouldValidateMsrWritesAsKvmMtrrValid(String msr, String value, Status expected) {
        assertEquals(expected, write(vm46(), Long.decode(msr), Long.parseUnsignedLong(value.substring(2), 16)));
    }

    @Test
    void shouldChangeNothingOnARejectedWrite() {
        VmState s = vm46();
        write(s, 0x2ff, 0xc06);
        VmState before = s.copy();
        assertEquals(Status.REJECTED, write(s, 0x2ff, 0xd06));
        assertEquals(before.vcpu(0), s.vcpu(0));
    }

    @Test
    void shouldStoreMaskWithReservedBitsSetAndClearThemOnRdmsr() {
        VmState s = vm46();
        write(s, 0x201, 0x3fffc0000800L);
        var m = s.vcpu(0).mtrr();
        assertEquals(0xffffffffc0000800L, m.stored(MtrrMsr.VAR_MASK, 0x201));
        assertEquals(0x3fffc0000800L, m.rdmsr(MtrrMsr.VAR_MASK, 0x201, 46));
        assertEquals(0, m.stored(MtrrMsr.VAR_MASK, 0x203), "a never-written mask stays 0");
    }

    @Test
    void shouldKeepValidRangesBaseDescendingWithTiesToTheNewest() {
        VmState s = vm46();
        write(s, 0x200, 0x80000000L);
        write(s, 0x202, 0xc0000000L);
        write(s, 0x204, 0x80000000L);
        write(s, 0x201, 0x3fff80000800L);
        write(s, 0x205, 0x3fff80000800L);
        write(s, 0x203, 0x3fffc0000800L);
        var m = s.vcpu(0).mtrr();
        assertEquals(3, m.listLength());
        assertEquals(1, m.listEntry(0));
        assertEquals(2, m.listEntry(1), "pair 2 was linked after pair 0 with an equal base: it goes first");
        assertEquals(0, m.listEntry(2));
        write(s, 0x200, 0x80000000L);
        assertEquals(0, m.listEntry(1), "rewriting pair 0's base re-links it before the equal pair 2");
    }

    @Test
    void shouldUnlinkARangeWhoseMaskLosesV() {
        VmState s = vm46();
        write(s, 0x200, 0xc0000000L);
        write(s, 0x201, 0x3fffc0000800L);
        write(s, 0x201, 0x3fffc0000000L);
        assertEquals(0, s.vcpu(0).mtrr().listLength());
    }

    @ParameterizedTest(name = "CR0 {0} -> {1}")
    @CsvSource({
        "0x60000011, APPLIED", "0x11, APPLIED", "0x80050033, APPLIED", "0x100000011, REJECTED",
        "0x20000011, REJECTED", "0x80000000, REJECTED", "0xc0050033, APPLIED"
    })
    void shouldCheckCr0AsKvmIsValidCr0(String value, Status expected) {
        assertEquals(expected, Fold.apply(vm46(), Ev.cr0(VM, 0, Long.decode(value))).outcome().status());
    }

    @Test
    void shouldForceEtAndDropReservedCr0Bits() {
        VmState s = vm46();
        Fold.apply(s, Ev.cr0(VM, 0, 0x1L | (1L << 6)));
        assertEquals(0x11L, s.vcpu(0).cr0());
    }

    @Test
    void shouldPreserveCdNwOnInitAndSetThemOnReset() {
        VmState s = vm46();
        Fold.apply(s, Ev.cr0(VM, 0, 0x80050033L));
        Fold.apply(s, Ev.lifecycle(VM, 0, LifecycleOp.INIT));
        assertEquals(0x10L, s.vcpu(0).cr0());
        Fold.apply(s, Ev.cr0(VM, 0, 0x60000011L));
        Fold.apply(s, Ev.lifecycle(VM, 0, LifecycleOp.INIT));
        assertEquals(0x60000010L, s.vcpu(0).cr0());
        Fold.apply(s, Ev.cr0(VM, 0, 0x11L));
        Fold.apply(s, Ev.lifecycle(VM, 0, LifecycleOp.RESET));
        assertEquals(0x60000010L, s.vcpu(0).cr0());
        assertTrue(s.vcpu(0).online());
    }

    @Test
    void shouldNotTouchMtrrsOnReset() {
        VmState s = vm46();
        write(s, 0x2ff, 0xc06);
        Fold.apply(s, Ev.lifecycle(VM, 0, LifecycleOp.RESET));
        assertEquals(0xc06, s.vcpu(0).mtrr().deftype());
    }

    @Test
    void shouldRejectASecondCreateAndImplicitlyCreateOnFirstWrite() {
        VmState s = vm46();
        assertEquals(Status.REJECTED, Fold.apply(s, Ev.create(VM, 0)).outcome().status());
        FoldStep st = Fold.apply(s, Ev.msr(VM, 5, 0x2ff, 0));
        assertEquals(Status.APPLIED, st.outcome().status());
        assertFalse(st.outcome().notes().isEmpty());
        assertEquals(0x60000010L, s.vcpu(5).cr0());
        assertEquals(VcpuState.PAT_DEFAULT, s.vcpu(5).pat());
    }

    @Test
    void shouldTakeTheInitialCr0OfACreateUncheckedAsV64KvmSetSregsDoes() {
        VmState s = VmState.empty(VM);
        assertEquals(Status.APPLIED, Fold.apply(s, Ev.create(VM, 3, 0x20000011L)).outcome().status());
        assertEquals(0x20000011L, s.vcpu(3).cr0(), "NW without CD: kvm_is_valid_sregs() checks CR0 only from v6.5");
    }

    @Test
    void shouldRejectAWriteTheTraceMarksFaulted() {
        VmState s = vm46();
        FoldStep st = Fold.apply(s, Ev.faultedMsr(VM, 0, 0x2ff, 0xc06));
        assertEquals(Status.REJECTED, st.outcome().status());
        assertEquals(0, s.vcpu(0).mtrr().deftype());
    }

    @Test
    void shouldCountNoncoherentDmaLikeTheAtomic() {
        VmState s = vm46();
        assertTrue(dma(Fold.apply(s, Ev.dmaRegister(VM))).startOrStop());
        assertFalse(dma(Fold.apply(s, Ev.dmaRegister(VM))).startOrStop());
        assertFalse(dma(Fold.apply(s, Ev.dmaUnregister(VM))).startOrStop());
        assertTrue(dma(Fold.apply(s, Ev.dmaUnregister(VM))).startOrStop());
        Fold.apply(s, Ev.dmaUnregister(VM));
        assertEquals(-1, s.noncoherentDmaCount());
        assertTrue(s.hasNoncoherentDma(), "atomic_read() != 0 reads as true even when negative");
    }

    @Test
    void shouldGiveEachAcceptedEventItsTypedFactAndEveryOtherNone() {
        VmState s = vm46();
        assertEquals(FoldStep.NoFact.NONE, Fold.apply(s, Ev.msr(VM, 0, 0x10, 1)).fact(), "outside mtrr.c");
        assertEquals(FoldStep.NoFact.NONE, Fold.apply(s, Ev.faultedMsr(VM, 0, 0x2ff, 0xc06)).fact(), "rejected");
        assertEquals(FoldStep.NoFact.NONE, Fold.apply(s, Ev.lifecycle(VM, 0, LifecycleOp.INIT)).fact());
        FoldStep st = Fold.apply(s, Ev.msr(VM, 0, 0x277, 0x6L));
        FoldStep.MsrWriteFact pat = (FoldStep.MsrWriteFact) st.fact();
        assertEquals(MtrrMsr.PAT, pat.kind());
        Outcome.Change c = st.outcome().changes().get(0);
        assertEquals(new Outcome.Change(ChangedField.msr(0x277), VcpuState.PAT_DEFAULT, 0x6L), c);
        assertEquals("msr 0x277", c.what());
    }

    private static FoldStep.DmaFact dma(FoldStep st) {
        return (FoldStep.DmaFact) st.fact();
    }

    private static FoldStep.Cr0Fact cr0(FoldStep st) {
        return (FoldStep.Cr0Fact) st.fact();
    }

    @Test
    void shouldRoundTripStateEncoding() {
        VmState s = vm46();
        write(s, 0x200, 0xc0000000L);
        write(s, 0x201, 0x3fffc0000800L);
        write(s, 0x2ff, 0xc06);
        Fold.apply(s, Ev.dmaRegister(VM));
        assertEquals(s, VmState.decode(s.encode()));
    }
}
