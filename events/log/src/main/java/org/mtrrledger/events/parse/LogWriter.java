package org.mtrrledger.events.parse;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.util.Iterator;
import java.util.Optional;
import org.mtrrledger.events.avro.MtrrEvent;

/**
 * Writes events in one of the {@link LogFormat}s so that parsing the output gives back the same events (all fields
 * except {@code source}, which the parser sets to the file position, and {@code ingest}, which no text format
 * carries). Events that break {@link EventRules} are refused with {@link IllegalArgumentException}: a writer never
 * produces a line its parser would reject.
 */
public interface LogWriter extends Closeable {

    void write(MtrrEvent event) throws IOException;

    /** Flushes buffered output without closing. */
    void flush() throws IOException;

    default long writeAll(Iterator<MtrrEvent> events) throws IOException {
        long n = 0;
        while (events.hasNext()) {
            write(events.next());
            n++;
        }
        return n;
    }

    static LogWriter of(LogFormat format, Writer out) {
        return switch (format) {
            case FTRACE -> new FtraceWriter(out);
            case JSONL -> new JsonLinesWriter(out);
        };
    }

    static void requireValid(MtrrEvent event) {
        Optional<String> violation = EventRules.violation(event);
        if (violation.isPresent()) {
            throw new IllegalArgumentException("cannot write invalid event (" + violation.get() + "): " + event);
        }
    }
}
