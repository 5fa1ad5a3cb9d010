package org.mtrrledger.projections.zap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Zap records are stored: the direct encoder must write exactly what {@code DataOutputStream.writeUTF} wrote. */
class ZapRecordEncodingTest {
    @Test
    void shouldEncodeExactlyAsDataOutputStream() {
        qt().withExamples(1000).forAll(records()).checkAssert(z -> {
            assertArrayEquals(z.encodeWithDataOutput(), z.encode());
            if (z.seq() >= 0 && z.seq() <= 0xFFFF) {
                assertEquals(z, ZapRecord.decode(z.encode()));
            }
        });
    }

    @Test
    void shouldRefuseARuleLongerThanWriteUtfTakes() {
        ZapRecord z = new ZapRecord(PolicyId.V6_4, 1, 0, 0, GfnRange.ALL52, "x".repeat(0x10000));
        assertThrows(UncheckedIOException.class, z::encode);
        ZapRecord max = new ZapRecord(PolicyId.V6_4, 1, 0, 0, GfnRange.ALL52, "x".repeat(0xFFFF));
        assertArrayEquals(max.encodeWithDataOutput(), max.encode());
    }

    static Gen<ZapRecord> records() {
        Gen<String> rules = Generate.oneOf(Gens.ascii(120), Gens.utf16(40),
                Gens.over("\0a\u007f\u0080\u07ff\u0800\uffff", 0, 20));
        Gen<Integer> seqs = Generate.oneOf(integers().between(0, 0xFFFF), Gens.anyInt());
        Gen<PolicyId> policies = Generate.enumValues(PolicyId.class);
        Gen<Long> longs = Gens.anyLong();
        return in -> new ZapRecord(policies.generate(in), longs.generate(in), seqs.generate(in),
                Gens.anyInt().generate(in), new GfnRange(longs.generate(in), longs.generate(in)), rules.generate(in));
    }
}
