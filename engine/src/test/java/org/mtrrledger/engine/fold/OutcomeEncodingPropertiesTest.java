package org.mtrrledger.engine.fold;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
 * {@link Outcome}'s stored bytes: everything round-trips, a changed field of the MSR block or a named one takes two
 * bytes, texts are written exactly as {@code writeUTF} writes them, and no outcome is longer than with every string,
 * field labels included, through {@code writeUTF}.
 */
class OutcomeEncodingPropertiesTest {
    /** Texts that spell a field label must stay texts in a reason or a note. */
    private static final List<String> TEXTS = List.of("msr 0x200", "msr 0x2ff", "cr0", "online", "msr 0x2FF",
            "CR0", "cr0 ", "", "\u0000", "msr 0xfe");

    static Gen<String> strings() {
        return Generate.oneOf(arbitrary().pick(TEXTS), Gens.utf16(40), Gens.utf16(20));
    }

    static Gen<ChangedField> fields() {
        return Generate.oneOf(Generate.enumValues(ChangedField.Named.class).map(f -> (ChangedField) f),
                Generate.range(0x200, 0x2ff).map(i -> (ChangedField) ChangedField.msr(i)),
                Gens.anyLong().map(i -> (ChangedField) ChangedField.msr(i)));
    }

    static Gen<Outcome> outcomes() {
        Gen<Outcome.Change> change = fields().zip(Gens.anyLong(), Gens.anyLong(), Outcome.Change::new);
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
    void shouldNeverBeLongerThanWithEveryStringThroughWriteUtf() {
        qt().withExamples(300).forAll(outcomes()).checkAssert(o -> assertTrue(o.encode().length <= writeUtf(o).length));
    }

    @Test
    void shouldWriteTextExactlyAsWriteUtfDoes() {
        qt().withExamples(200).forAll(outcomes()).checkAssert(o -> {
            Outcome textOnly = new Outcome(o.status(), o.reason(), List.of(), o.notes());
            assertArrayEquals(writeUtf(textOnly), textOnly.encode());
        });
    }

    @Test
    void shouldStoreAFieldOfTheMsrBlockOrANamedOneInTwoBytes() {
        for (ChangedField f : List.of(ChangedField.msr(0x2ff), ChangedField.msr(0x200), ChangedField.Named.CR0,
                ChangedField.Named.QUIRK_CD_NW_CLEARED)) {
            Outcome one = new Outcome(Outcome.Status.APPLIED, null, List.of(new Outcome.Change(f, 0, 0xc06)),
                    List.of());
            assertEquals(1 + 1 + 2 + (2 + 16) + 2, one.encode().length, f.label());
        }
    }

    @Test
    void shouldSpellEachFieldAsOutputsDo() {
        assertEquals("msr 0x2ff", ChangedField.msr(0x2ff).label());
        assertEquals("msr 0x10", ChangedField.msr(0x10).label());
        assertEquals("noncoherent_dma_count", ChangedField.Named.NONCOHERENT_DMA_COUNT.label());
        assertEquals(ChangedField.msr(0x10), ChangedField.msrOfLabel("msr 0x10"));
        assertNull(ChangedField.msrOfLabel("cr0"), "named fields are stored as codes");
    }

    @Test
    void shouldCutATextLongerThanTheLengthPrefixAllowsAtAWholeCharacter() {
        String huge = "é".repeat(40_000); // 80,000 bytes of modified UTF-8
        Outcome o = new Outcome(Outcome.Status.REJECTED, huge, List.of(), List.of());
        String back = Outcome.decode(o.encode()).reason();
        assertEquals(OutcomeLabels.MAX_UTF_BYTES / 2, back.length());
        assertTrue(huge.startsWith(back));
    }

    private static byte[] writeUtf(Outcome o) {
        return WriteUtfOutcome.encode(o);
    }
}
