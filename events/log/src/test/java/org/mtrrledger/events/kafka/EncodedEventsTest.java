package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.parse.EventRules;
import org.mtrrledger.events.parse.LogParseException;
import org.mtrrledger.events.testing.Ev;

/** Ingest never publishes a record the engine would refuse for its size: it stops at the line instead. */
class EncodedEventsTest {
    private static final IngestDigest DIGEST = IngestDigest.sha256("x".getBytes(StandardCharsets.UTF_8));

    private static MtrrEvent at(String file, long line) {
        MtrrEvent e = Ev.cr0("vm-1", 0, 0x11);
        e.setSource(new FilePosition(file, line));
        return e;
    }

    @Test
    void shouldEncodeEventsWithinTheRecordLimit() {
        Iterator<KeyedRecord> it = EncodedEvents.of(List.of(at("f.jsonl", 1)).iterator(), DIGEST, e -> { });
        KeyedRecord r = it.next();
        assertEquals("vm-1", r.key());
        assertTrue(r.value().length <= EventRules.MAX_RECORD_BYTES);
    }

    @Test
    void shouldStopAtTheLineOfAnEventWhoseRecordIsTooBig() {
        String file = "d/".repeat(4200) + "f.jsonl";
        Iterator<KeyedRecord> it = EncodedEvents.of(List.of(at("f.jsonl", 1), at(file, 2)).iterator(), DIGEST,
                e -> { });
        it.next();
        LogParseException e = assertThrows(LogParseException.class, it::next);
        assertEquals(2, e.rejected().line());
        assertTrue(e.rejected().reason().matches("record of \\d+ bytes exceeds the limit of 8192 bytes"),
                e.getMessage());
    }
}
