package org.mtrrledger.engine.fold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.testing.Gens;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * {@link Outcome}'s stored bytes: everything round-trips, labels take two bytes, and outcomes written by store
 * format 2's encoder (every string through {@code writeUTF}) still decode to the same outcome.
 */
class OutcomeEncodingPropertiesTest {
    private static final List<String> LABELS = List.of("msr 0x200", "msr 0x2ff", "msr 0x277", "msr 0x20f", "cr0",
            "online", "noncoherent_dma_count", "maxphyaddr", "guest_has_mtrr", "tdp_enabled", "quirk_cd_nw_cleared");
    /** Near-misses of a label must stay text. */
    private static final List<String> NOT_LABELS = List.of("msr 0x2FF", "msr 0x300", "msr 0x1ff", "msr 0x2g0",
            "msr 0x20", "msr 0x2000", "CR0", "cr0 ", "", "\u0000", "msr 0xfe");

    static Gen<String> strings() {
        return Generate.oneOf(arbitrary().pick(LABELS), arbitrary().pick(NOT_LABELS), Gens.utf16(40), Gens.utf16(20));
    }

    static Gen<Outcome> outcomes() {
        Gen<Outcome.Change> change = strings().zip(Gens.anyLong(), Gens.anyLong(), Outcome.Change::new);
        return Generate.enumValues(Outcome.Status.class).zip(Gens.orNull(strings(), 50),
                lists().of(change).ofSizeBetween(0, 4), lists().of(strings()).ofSizeBetween(0, 3), Outcome::new);
    }

    @Test
    void shouldRoundTripEveryOutcome() {
        qt().withExamples(500).forAll(outcomes()).checkAssert(o -> {
            byte[] bytes = o.encode();
            assertEquals(o.encodedSize(), bytes.length);
            assertEquals(o, Outcome.decode(bytes));
        });
    }

    @Test
    void shouldDecodeOutcomesWrittenByStoreFormat2() {
        qt().withExamples(500).forAll(outcomes()).checkAssert(o -> assertEquals(o, Outcome.decode(format2(o))));
    }

    @Test
    void shouldNeverBeLongerThanFormat2() {
        qt().withExamples(300).forAll(outcomes()).checkAssert(o -> assertTrue(o.encode().length <= format2(o).length));
    }

    @Test
    void shouldWriteTextExactlyAsWriteUtfDid() {
        qt().withExamples(200).forAll(outcomes()).checkAssert(o -> {
            Outcome textOnly = new Outcome(o.status(), o.reason(), List.of(),
                    o.notes().stream().filter(n -> !LABELS.contains(n)).toList());
            if (textOnly.reason() == null || !LABELS.contains(textOnly.reason())) {
                assertArrayEquals(format2(textOnly), textOnly.encode());
            }
        });
    }

    @Test
    void shouldStoreALabelInTwoBytes() {
        Outcome one = new Outcome(Outcome.Status.APPLIED, null, List.of(new Outcome.Change("msr 0x2ff", 0, 0xc06)),
                List.of());
        assertEquals(1 + 1 + 2 + (2 + 16) + 2, one.encode().length);
    }

    @Test
    void shouldCutATextLongerThanTheLengthPrefixAllowsAtAWholeCharacter() {
        String huge = "é".repeat(40_000); // 80,000 bytes of modified UTF-8
        Outcome o = new Outcome(Outcome.Status.REJECTED, huge, List.of(), List.of());
        String back = Outcome.decode(o.encode()).reason();
        assertEquals(OutcomeLabels.MAX_UTF_BYTES / 2, back.length());
        assertTrue(huge.startsWith(back));
    }

    private static byte[] format2(Outcome o) {
        return Format2Outcome.encode(o);
    }
}
