package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.events.testing.Gens;

/** The two values the engine writes per record: round trips, and the shortcuts replay uses. */
class StoredValuesTest {
    private static final Outcome APPLIED = new Outcome(Outcome.Status.APPLIED, null, List.of(), List.of("a note"));

    @Test
    void shouldRoundTripAFoldedEventAndReadItsPartsWithoutDecodingTheOutcome() {
        qt().withExamples(200).forAll(Gens.intsIn(0, Integer.MAX_VALUE), Gens.byteArrays(Gens.anyByte(), 300))
                .checkAssert((partition, payload) -> {
                    byte[] bytes = new FoldedEvent(partition, payload, APPLIED).encode();
                    FoldedEvent back = FoldedEvent.decode(bytes);
                    assertEquals(partition, back.partition());
                    assertArrayEquals(payload, back.payload());
                    assertEquals(APPLIED, back.outcome());
                    assertEquals(partition, FoldedEvent.partitionOf(bytes));
                    assertArrayEquals(payload, FoldedEvent.payloadOf(bytes));
                });
    }

    @Test
    void shouldRoundTripASkippedRecordIncludingNullKeyAndValue() {
        SkippedRecord full = SkippedRecord.decode(new SkippedRecord("vm-ü", new byte[] {1, 2}, "bad header").encode());
        assertEquals("vm-ü", full.key());
        assertArrayEquals(new byte[] {1, 2}, full.value());
        assertEquals("bad header", full.reason());
        SkippedRecord empty = SkippedRecord.decode(new SkippedRecord(null, null, "").encode());
        assertNull(empty.key());
        assertNull(empty.value());
        assertEquals("", empty.reason());
    }
}
