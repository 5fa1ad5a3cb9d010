package org.mtrrledger.projections.zap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.UncheckedIOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.mtrr.GfnRange;

/** Zap records are stored: the direct encoder must write exactly what {@code DataOutputStream.writeUTF} wrote. */
class ZapRecordEncodingTest {
    @Property(tries = 1000)
    void shouldEncodeExactlyAsDataOutputStream(@ForAll("records") ZapRecord z) {
        assertArrayEquals(z.encodeWithDataOutput(), z.encode());
        if (z.seq() >= 0 && z.seq() <= 0xFFFF) {
            assertEquals(z, ZapRecord.decode(z.encode()));
        }
    }

    @Test
    void shouldRefuseARuleLongerThanWriteUtfTakes() {
        ZapRecord z = new ZapRecord(PolicyId.V6_4, 1, 0, 0, GfnRange.ALL52, "x".repeat(0x10000));
        assertThrows(UncheckedIOException.class, z::encode);
        ZapRecord max = new ZapRecord(PolicyId.V6_4, 1, 0, 0, GfnRange.ALL52, "x".repeat(0xFFFF));
        assertArrayEquals(max.encodeWithDataOutput(), max.encode());
    }

    @Provide
    Arbitrary<ZapRecord> records() {
        Arbitrary<String> rules = Arbitraries.oneOf(
                Arbitraries.strings().ascii().ofMaxLength(120),
                Arbitraries.strings().all().ofMaxLength(40),
                Arbitraries.strings().withChars('\0', 'a', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff')
                        .ofMaxLength(20));
        return Combinators.combine(Arbitraries.of(PolicyId.class), Arbitraries.longs(),
                Arbitraries.oneOf(Arbitraries.integers().between(0, 0xFFFF), Arbitraries.integers()),
                Arbitraries.integers(), Arbitraries.longs(), Arbitraries.longs(), rules)
                .as((p, off, seq, vcpu, s, e, rule) -> new ZapRecord(p, off, seq, vcpu, new GfnRange(s, e), rule));
    }
}
