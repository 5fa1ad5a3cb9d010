package org.mtrrledger.projections.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which writes a VMX host traces, and what the firmware's masks say about MAXPHYADDR. */
class TracedWritesTest {
    private static final long LINUX_CR0 = 0x80050033L;
    private static final long TS = 1L << 3;
    private static final long WP = 1L << 16;
    private static final long CD = 1L << 30;

    @Test
    void shouldTraceACr0WriteOnlyWhenAHostOwnedBitChanges() {
        assertFalse(TracedWrites.KVM_VMX.traced(new GuestWrite.Cr0(0, LINUX_CR0 | TS, LINUX_CR0)), "TS only");
        assertFalse(TracedWrites.KVM_VMX.traced(new GuestWrite.Cr0(0, LINUX_CR0 & ~WP, LINUX_CR0)), "WP only");
        assertFalse(TracedWrites.KVM_VMX.traced(new GuestWrite.Cr0(0, LINUX_CR0, LINUX_CR0)), "no change");
        assertTrue(TracedWrites.KVM_VMX.traced(new GuestWrite.Cr0(0, LINUX_CR0 | CD, LINUX_CR0)), "CD set");
        assertTrue(TracedWrites.ALL.traced(new GuestWrite.Cr0(0, LINUX_CR0, LINUX_CR0)));
    }

    @Test
    void shouldNotTraceMsrsWhoseWriteInterceptVmxDisables() {
        assertFalse(TracedWrites.KVM_VMX.traced(new GuestWrite.Msr(0, 0xc0000101L, 1)), "GS_BASE");
        assertFalse(TracedWrites.KVM_VMX.traced(new GuestWrite.Msr(0, 0x174, 0x10)), "SYSENTER_CS");
        assertTrue(TracedWrites.KVM_VMX.traced(new GuestWrite.Msr(0, 0x2ff, 0xc06)), "MTRR_DEF_TYPE");
        assertTrue(TracedWrites.KVM_VMX.traced(new GuestWrite.Msr(0, 0x277, 0x0407050600070106L)), "PAT");
        assertTrue(TracedWrites.KVM_VMX.traced(new GuestWrite.Init(1)));
    }

    @Test
    void shouldReadMaxPhysAddrFromTheHighestBitOfValidVariableMasks() {
        List<GuestWrite> seabios40 = List.of(new GuestWrite.Msr(0, 0x200, 0x80000000L),
                new GuestWrite.Msr(0, 0x201, 0xff80000800L), new GuestWrite.Msr(0, 0x203, 0));
        assertEquals(40, MtrrCapture.maxPhysAddrFromMasks(seabios40));
        assertEquals(0, MtrrCapture.maxPhysAddrFromMasks(List.of(new GuestWrite.Msr(0, 0x201, 0xff80000000L))),
                "an invalid (V=0) mask says nothing");
    }
}
