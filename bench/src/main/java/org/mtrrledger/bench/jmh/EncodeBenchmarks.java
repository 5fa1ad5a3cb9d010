package org.mtrrledger.bench.jmh;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
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
 * {@link EventCodec#encode} of the events {@code mtrr ingest} publishes, per event: the same input as
 * {@link DecodeBenchmarks} (the first {@value DecodeBenchmarks#EVENTS} events of the bench's typicalFleet, seed 42,
 * parsed from a JSON Lines file, so each has a FilePosition source and its own parsed strings, and stamped with the
 * file's SHA-256 digest). {@link #specificDatumWriter} is a plain Avro encode for reference: the header, then one
 * SpecificDatumWriter and one reused buffered BinaryEncoder into a reused ByteArrayOutputStream.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EncodeBenchmarks {
    static final int EVENTS = DecodeBenchmarks.EVENTS;


    private final EventCodec codec = new EventCodec();
    private final SpecificDatumWriter<MtrrEvent> writer = new SpecificDatumWriter<>(MtrrEvent.getClassSchema());
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
    private final BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(buffer, null);
    private MtrrEvent[] events;
    private byte[] header;

    @Setup
    public void setup() throws IOException {
        events = IngestedEvents.published(EVENTS).toArray(new MtrrEvent[0]);
        header = Arrays.copyOf(codec.encode(events[0]), EventCodec.HEADER);
        for (MtrrEvent e : events) {
            if (!Arrays.equals(codec.encode(e), specificDatumWriterEncode(e))) {
                throw new IllegalStateException("the two encodes differ for " + e);
            }
        }
    }

    private byte[] specificDatumWriterEncode(MtrrEvent e) throws IOException {
        buffer.reset();
        buffer.write(header, 0, header.length);
        writer.write(e, encoder);
        encoder.flush();
        return buffer.toByteArray();
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void eventCodec(Blackhole bh) {
        for (MtrrEvent e : events) {
            bh.consume(codec.encode(e));
        }
    }

    @Benchmark
    @OperationsPerInvocation(EVENTS)
    public void specificDatumWriter(Blackhole bh) throws IOException {
        for (MtrrEvent e : events) {
            bh.consume(specificDatumWriterEncode(e));
        }
    }
}
