package org.mtrrledger.projections.hazard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.testing.Gens;
import org.mtrrledger.projections.zap.PolicyId;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Hazard records are stored: the encoder must write exactly the bytes DataOutputStream writes for their layout. */
class HazardEncodingTest {
    @Test
    void shouldEncodeExactlyAsDataOutputStream() {
        qt().withExamples(1000).forAll(hazards()).checkAssert(h -> {
            try {
                assertEncodesAsDataOutputStream(h);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void assertEncodesAsDataOutputStream(Hazard h) throws IOException {
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

    static Gen<Hazard> hazards() {
        Gen<Integer> small = Generate.oneOf(integers().between(0, 0xFFFF), Gens.anyInt());
        Gen<Integer> demanded = Generate.oneOf(integers().between(0, 15), Gens.anyInt());
        Gen<PolicyId> policies = Generate.enumValues(PolicyId.class);
        Gen<HazardKind> kinds = Generate.enumValues(HazardKind.class);
        Gen<Long> longs = Gens.anyLong();
        return in -> {
            long offset = longs.generate(in);
            int seq = small.generate(in);
            return new Hazard(policies.generate(in), kinds.generate(in), offset, seq, Gens.anyInt().generate(in),
                    new GfnRange(longs.generate(in), longs.generate(in)), small.generate(in), demanded.generate(in),
                    offset ^ seq);
        };
    }
}
