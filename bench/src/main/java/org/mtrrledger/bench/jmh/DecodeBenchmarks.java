package org.mtrrledger.bench.jmh;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link EventCodec#decode} of the records the engine folds, per event: the first {@value #EVENTS} events of the
 * bench's typicalFleet (seed 42) as {@code mtrr ingest} publishes them (parsed from a JSON Lines file, so each has a
 * FilePosition source, and stamped with the file's SHA-256 digest), pre-encoded. {@link #specificDatumReader} is
 * the decode before {@code CurrentSchemaDecoder}: header check, reader lookup by fingerprint, one reused
 * BinaryDecoder and SpecificDatumReader.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBenchmarks {
    static final int EVENTS = 5_000;

    private static final String DIGEST = IngestDigest.of("0".repeat(64)).hex();

    private final EventCodec codec = new EventCodec();
    private final Map<Long, SpecificDatumReader<MtrrEvent>> readers = new HashMap<>();
    private byte[][] payloads;
    private BinaryDecoder decoder;

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
        payloads = new byte[EVENTS][];
        int n = 0;
        try (ParsedLog parsed = LogParser.forFormat(LogFormat.JSONL).open("fleet.jsonl",
                new StringReader(out.toString()), ParseOptions.DEFAULTS)) {
            for (MtrrEvent e : parsed) {
                e.setIngest(DIGEST);
                payloads[n++] = codec.encode(e);
            }
        }
        if (n != EVENTS) {
            throw new IllegalStateException("typicalFleet generated " + n + " events, not " + EVENTS);
        }
        readers.put(codec.currentFingerprint(), new SpecificDatumReader<>(MtrrEvent.getClassSchema()));
        for (byte[] p : payloads) {
            if (!eventCodecDecode(p).equals(specificDatumReaderDecode(p))) {
                throw new IllegalStateException("the two decodes differ");
            }
        }
    }

    private MtrrEvent eventCodecDecode(byte[] p) {
        return codec.decode(p);
    }

    private MtrrEvent specificDatumReaderDecode(byte[] p) throws IOException {
        SpecificDatumReader<MtrrEvent> reader = readers.get(EventCodec.fingerprint(p));
        decoder = DecoderFactory.get().binaryDecoder(p, EventCodec.HEADER, p.length - EventCodec.HEADER, decoder);
        return reader.read(null, decoder);
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void eventCodec(Blackhole bh) {
        for (byte[] p : payloads) {
            bh.consume(eventCodecDecode(p));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void specificDatumReader(Blackhole bh) throws IOException {
        for (byte[] p : payloads) {
            bh.consume(specificDatumReaderDecode(p));
        }
    }
}
