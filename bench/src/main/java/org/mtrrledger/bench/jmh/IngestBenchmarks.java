package org.mtrrledger.bench.jmh;

import java.io.StringReader;
import java.util.concurrent.TimeUnit;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.parse.LogFormat;
import org.mtrrledger.events.parse.LogParser;
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

    private static final String DIGEST = IngestedEvents.DIGEST;

    private final EventCodec codec = new EventCodec();
    private String log;

    @Setup
    public void setup() {
        log = IngestedEvents.jsonl(EVENTS);
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
