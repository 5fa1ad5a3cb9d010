package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.mtrrledger.events.avro.MtrrEvent;

class RoundTripPropertiesTest {

    @Provide
    Arbitrary<List<MtrrEvent>> eventLists() {
        return EventArbitraries.events().list().ofMaxSize(40);
    }

    static String write(LogFormat format, List<MtrrEvent> events) throws IOException {
        StringWriter out = new StringWriter();
        try (LogWriter writer = LogWriter.of(format, out)) {
            for (MtrrEvent e : events) {
                writer.write(e);
            }
        }
        return out.toString();
    }

    static List<MtrrEvent> parseWithoutSource(LogFormat format, String text) {
        try (ParsedLog log = LogParser.forFormat(format).open("round-trip", new StringReader(text),
                ParseOptions.DEFAULTS)) {
            List<MtrrEvent> events = log.readAll();
            events.forEach(e -> e.setSource(null));
            return events;
        }
    }

    @Property(tries = 300)
    void shouldRoundTripRandomEventsThroughJsonLines(@ForAll("eventLists") List<MtrrEvent> events) throws IOException {
        assertEquals(events, parseWithoutSource(LogFormat.JSONL, write(LogFormat.JSONL, events)));
    }

    @Property(tries = 300)
    void shouldRoundTripRandomEventsThroughFtraceText(@ForAll("eventLists") List<MtrrEvent> events) throws IOException {
        assertEquals(events, parseWithoutSource(LogFormat.FTRACE, write(LogFormat.FTRACE, events)));
    }

    @Property(tries = 100)
    void shouldDetectTheFormatEachWriterProduces(@ForAll("eventLists") @Size(min = 1) List<MtrrEvent> events)
            throws IOException {
        for (LogFormat format : LogFormat.values()) {
            assertEquals(format, LogFormat.detect(new java.io.BufferedReader(new StringReader(write(format, events)))));
        }
    }
}
