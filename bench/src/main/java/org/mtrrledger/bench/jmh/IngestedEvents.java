package org.mtrrledger.bench.jmh;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FleetGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.LogWriter;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;

/**
 * The input of the ingest and codec benchmarks: the first {@code n} events of {@code typicalFleet(42)} as a JSONL
 * file holds them, and as `mtrr ingest` publishes them (parsed, so each has its file position, and stamped with an
 * ingest digest).
 */
final class IngestedEvents {
    static final String DIGEST = IngestDigest.of("0".repeat(64)).hex();

    private IngestedEvents() {}

    static String jsonl(int n) {
        GeneratorSpec spec = FleetGenerator.plan(FleetGenerator.typicalFleet(42), 2 * n).spec();
        StringWriter out = new StringWriter();
        int written = 0;
        try (LogWriter writer = LogWriter.of(LogFormat.JSONL, out)) {
            for (Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec); it.hasNext() && written < n; written++) {
                writer.write(it.next());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (written != n) {
            throw new IllegalStateException("typicalFleet generated " + written + " events, not " + n);
        }
        return out.toString();
    }

    static List<MtrrEvent> published(int n) {
        List<MtrrEvent> events = new ArrayList<>(n);
        try (ParsedLog parsed = LogParser.forFormat(LogFormat.JSONL).open("fleet.jsonl", new StringReader(jsonl(n)),
                ParseOptions.DEFAULTS)) {
            for (MtrrEvent e : parsed) {
                e.setIngest(DIGEST);
                events.add(e);
            }
        }
        return events;
    }
}
