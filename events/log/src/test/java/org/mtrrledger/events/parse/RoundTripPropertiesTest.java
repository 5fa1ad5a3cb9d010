package org.mtrrledger.events.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mtrrledger.events.avro.MtrrEvent;
import org.quicktheories.core.Gen;

class RoundTripPropertiesTest {

    static Gen<List<MtrrEvent>> eventLists(int minSize) {
        return lists().of(EventGens.events()).ofSizeBetween(minSize, 40);
    }

    static String write(LogFormat format, List<MtrrEvent> events) {
        StringWriter out = new StringWriter();
        try (LogWriter writer = LogWriter.of(format, out)) {
            for (MtrrEvent e : events) {
                writer.write(e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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

    @Test
    void shouldRoundTripRandomEventsThroughJsonLines() {
        qt().withExamples(300).forAll(eventLists(0)).checkAssert(events ->
                assertEquals(events, parseWithoutSource(LogFormat.JSONL, write(LogFormat.JSONL, events))));
    }

    @Test
    void shouldRoundTripRandomEventsThroughFtraceText() {
        qt().withExamples(300).forAll(eventLists(0)).checkAssert(events ->
                assertEquals(events, parseWithoutSource(LogFormat.FTRACE, write(LogFormat.FTRACE, events))));
    }

    @Test
    void shouldDetectTheFormatEachWriterProduces() {
        qt().withExamples(100).forAll(eventLists(1)).checkAssert(events -> {
            for (LogFormat format : LogFormat.values()) {
                try {
                    assertEquals(format, LogFormat.detect(new BufferedReader(new StringReader(write(format, events)))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
    }
}
