package org.mtrrledger.bench.jmh;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
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
 * Avro's own decode, the reference {@code CurrentSchemaDecoder} must beat to be kept: header check, reader lookup by fingerprint, one reused
 * BinaryDecoder and SpecificDatumReader.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecodeBenchmarks {
    static final int EVENTS = 5_000;

    private final EventCodec codec = new EventCodec();
    private final Map<Long, SpecificDatumReader<MtrrEvent>> readers = new HashMap<>();
    private byte[][] payloads;
    private BinaryDecoder decoder;

    @Setup
    public void setup() throws IOException {
        List<MtrrEvent> events = IngestedEvents.published(EVENTS);
        payloads = new byte[EVENTS][];
        for (int i = 0; i < EVENTS; i++) {
            payloads[i] = codec.encode(events.get(i));
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
