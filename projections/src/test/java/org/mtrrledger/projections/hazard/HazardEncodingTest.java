package org.mtrrledger.projections.hazard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.mtrrledger.engine.mtrr.GfnRange;
import org.mtrrledger.projections.zap.PolicyId;

/** Hazard records are stored: the encoder must write exactly the bytes of the original DataOutputStream layout. */
class HazardEncodingTest {
    @Property(tries = 1000)
    void shouldEncodeExactlyAsDataOutputStream(@ForAll("hazards") Hazard h) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.writeByte(h.policy().code);
        out.writeByte(h.kind().ordinal());
        out.writeLong(h.offset());
        out.writeShort(h.seq());
        out.writeInt(h.vcpu());
        out.writeLong(h.range().start());
        out.writeLong(h.range().end());
        out.writeShort(h.staleMask());
        out.writeByte(h.demanded());
        out.writeLong(h.sinceOffset());
        assertArrayEquals(b.toByteArray(), h.encode());
        if (h.seq() >= 0 && h.seq() <= 0xFFFF && h.staleMask() >= 0 && h.staleMask() <= 0xFFFF
                && h.demanded() >= 0 && h.demanded() <= 0xFF) {
            assertEquals(h, Hazard.decode(h.encode()));
        }
    }

    @Provide
    Arbitrary<Hazard> hazards() {
        Arbitrary<Integer> small = Arbitraries.oneOf(Arbitraries.integers().between(0, 0xFFFF),
                Arbitraries.integers());
        Arbitrary<GfnRange> ranges = Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as(GfnRange::new);
        return Combinators.combine(Arbitraries.of(PolicyId.class), Arbitraries.of(HazardKind.class),
                Arbitraries.longs(), small, Arbitraries.integers(), ranges, small,
                Arbitraries.oneOf(Arbitraries.integers().between(0, 15), Arbitraries.integers()))
                .as((p, k, off, seq, vcpu, r, mask, d) -> new Hazard(p, k, off, seq, vcpu, r, mask, d, off ^ seq));
    }
}
