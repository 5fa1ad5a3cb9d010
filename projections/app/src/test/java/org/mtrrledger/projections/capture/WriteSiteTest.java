package org.mtrrledger.projections.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Decoding of the plugin's site records against the SDM's encodings. */
class WriteSiteTest {

    @Test
    void shouldDecodeWrmsrAndEndTheBlockAfterIt() {
        WriteSite s = WriteSite.parse("ffffffff81073744", "0f30");
        assertEquals(WriteSite.Kind.WRMSR, s.kind());
        assertEquals(0xffffffff81073746L, s.next());
    }

    @Test
    void shouldTakeTheMovSourceFromModRmRmAndRexB() {
        assertEquals(7, WriteSite.parse("ffffffff81046122", "0f22c7").source(), "movq %rdi, %cr0");
        assertEquals(1, WriteSite.parse("fec3d", "0f22c1").source(), "movl %ecx, %cr0");
        assertEquals(8, WriteSite.parse("1000", "410f22c0").source(), "movq %r8, %cr0");
        assertEquals(0, WriteSite.parse("1000", "660f22c0").source(), "an operand-size prefix changes nothing");
        assertEquals(0x1004, WriteSite.parse("1000", "410f22c0").next(), "the REX prefix is part of the length");
    }

    @Test
    void shouldRefuseMovesToOtherControlRegisters() {
        assertThrows(IllegalArgumentException.class, () -> WriteSite.parse("1000", "0f22d8"), "CR3");
        assertThrows(IllegalArgumentException.class, () -> WriteSite.parse("1000", "0f22e0"), "CR4");
        assertThrows(IllegalArgumentException.class, () -> WriteSite.parse("1000", "440f22c0"), "REX.R: CR8");
        assertThrows(IllegalArgumentException.class, () -> WriteSite.parse("1000", "0f32"), "RDMSR");
    }

    @Test
    void shouldDecodeLmswInBothOperandFormsAndClts() {
        assertEquals(WriteSite.Kind.LMSW, WriteSite.parse("1000", "0f01f0").kind());
        assertEquals(WriteSite.Kind.LMSW, WriteSite.parse("1000", "0f0130").kind());
        assertEquals(WriteSite.Kind.CLTS, WriteSite.parse("1000", "0f06").kind());
        assertThrows(IllegalArgumentException.class, () -> WriteSite.parse("1000", "0f01f8"), "SWAPGS");
    }
}
