package org.mtrrledger.events.kafka;

import java.util.Iterator;
import java.util.function.Consumer;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;

/**
 * The records one ingested file publishes, lazily: each event stamped with the file's digest, keyed by its VM (so a
 * VM's events stay in order in one partition) and Avro single-object encoded.
 */
public final class EncodedEvents {
    private EncodedEvents() {
    }

    /**
     * @param observer sees each event just before it is encoded (for per-VM and per-type counts)
     */
    public static Iterator<KeyedRecord> of(Iterator<MtrrEvent> events, IngestDigest digest,
            Consumer<MtrrEvent> observer) {
        EventCodec codec = new EventCodec();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return events.hasNext();
            }

            @Override
            public KeyedRecord next() {
                MtrrEvent e = events.next();
                e.setIngest(digest.hex());
                observer.accept(e);
                return new KeyedRecord(e.getVm(), codec.encode(e));
            }
        };
    }
}
