package org.mtrrledger.engine.fold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

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

    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.oneOf(Arbitraries.of(LABELS), Arbitraries.of(NOT_LABELS),
                Arbitraries.strings().ofMaxLength(40), Arbitraries.strings().all().ofMaxLength(20));
    }

    @Provide
    Arbitrary<Outcome> outcomes() {
        Arbitrary<Outcome.Change> change = Combinators.combine(strings(), Arbitraries.longs(), Arbitraries.longs())
                .as(Outcome.Change::new);
        return Combinators.combine(Arbitraries.of(Outcome.Status.class), strings().injectNull(0.5),
                change.list().ofMaxSize(4), strings().list().ofMaxSize(3)).as(Outcome::new);
    }

    @Property(tries = 500)
    void shouldRoundTripEveryOutcome(@ForAll("outcomes") Outcome o) {
        byte[] bytes = o.encode();
        assertEquals(o.encodedSize(), bytes.length);
        assertEquals(o, Outcome.decode(bytes));
    }

    @Property(tries = 500)
    void shouldDecodeOutcomesWrittenByStoreFormat2(@ForAll("outcomes") Outcome o) {
        assertEquals(o, Outcome.decode(format2(o)));
    }

    @Property(tries = 300)
    void shouldNeverBeLongerThanFormat2(@ForAll("outcomes") Outcome o) {
        assertTrue(o.encode().length <= format2(o).length);
    }

    @Property(tries = 200)
    void shouldWriteTextExactlyAsWriteUtfDid(@ForAll("outcomes") Outcome o) {
        Outcome textOnly = new Outcome(o.status(), o.reason(), List.of(),
                o.notes().stream().filter(n -> !LABELS.contains(n)).toList());
        if (textOnly.reason() == null || !LABELS.contains(textOnly.reason())) {
            assertArrayEquals(format2(textOnly), textOnly.encode());
        }
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
