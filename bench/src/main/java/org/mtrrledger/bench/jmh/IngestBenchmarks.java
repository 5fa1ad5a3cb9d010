package org.mtrrledger.bench.jmh;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.FleetGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogParser;
import org.mtrrledger.events.parse.LogWriter;
import org.mtrrledger.events.parse.ParseOptions;
import org.mtrrledger.events.parse.ParsedLog;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The CPU side of {@code mtrr ingest} that runs ahead of the Kafka producer, per event: parsing a JSON Lines log
 * (the first {@value #EVENTS} events of the bench's typicalFleet, seed 42, from memory), and parsing plus stamping
 * and Avro encoding. The end-to-end ingest measurement shares two cores with the producer and the broker; this
 * one isolates the part {@code PrefetchingRecords} runs on its own thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class IngestBenchmarks {
    static final int EVENTS = 5_000;

    private static final String DIGEST = IngestDigest.of("0".repeat(64)).hex();

    private final EventCodec codec = new EventCodec();
    private String log;

    @Setup
    public void setup() throws IOException {
        GeneratorSpec spec = FleetGenerator.plan(FleetGenerator.typicalFleet(42), 2 * EVENTS).spec();
        StringWriter out = new StringWriter();
        int written = 0;
        try (LogWriter writer = LogWriter.of(LogFormat.JSONL, out)) {
            for (Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec); it.hasNext() && written < EVENTS; written++) {
                writer.write(it.next());
            }
        }
        if (written != EVENTS) {
            throw new IllegalStateException("typicalFleet generated " + written + " events, not " + EVENTS);
        }
        log = out.toString();
    }

    private ParsedLog parse() {
        return LogParser.forFormat(LogFormat.JSONL).open("fleet.jsonl", new StringReader(log), ParseOptions.DEFAULTS);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long parseJsonLines() {
        long n = 0;
        try (ParsedLog parsed = parse()) {
            for (MtrrEvent e : parsed) {
                n += e.getVm().length();
            }
        }
        return n;
    }

    /** As {@link org.mtrrledger.events.kafka.EncodedEvents} stamps and encodes, with one codec for all runs. */
    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public long parseAndEncodeJsonLines() {
        long bytes = 0;
        try (ParsedLog parsed = parse()) {
            for (MtrrEvent e : parsed) {
                e.setIngest(DIGEST);
                bytes += codec.encode(e).length;
            }
        }
        return bytes;
    }
}
