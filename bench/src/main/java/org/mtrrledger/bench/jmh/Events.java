package org.mtrrledger.bench.jmh;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.gen.GeneratorSpec;

/** Benchmark inputs: generated events, round-tripped through the codec so they are what the engine decodes. */
final class Events {
    private Events() {
    }

    static List<MtrrEvent> of(GeneratorSpec spec) {
        EventCodec codec = new EventCodec();
        List<MtrrEvent> out = new ArrayList<>();
        for (Iterator<MtrrEvent> it = BootLogGenerator.iterator(spec); it.hasNext(); ) {
            out.add(codec.decode(codec.encode(it.next())));
        }
        return out;
    }
}
