package org.mtrrledger.events.kafka;

import java.util.Iterator;
import java.util.Optional;
import java.util.function.Consumer;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.parse.EventRules;
import org.mtrrledger.events.parse.LogParseException;
import org.mtrrledger.events.parse.RejectedLine;

/**
 * The records one ingested file publishes, lazily: each event stamped with the file's digest, keyed by its VM (so a
 * VM's events stay in order in one partition) and Avro single-object encoded. A record over
 * {@link EventRules#MAX_RECORD_BYTES} stops the file like a bad line, so the engine never meets one from ingest.
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
                byte[] value = codec.encode(e);
                Optional<String> tooBig = EventRules.recordViolation(value.length);
                if (tooBig.isPresent()) {
                    FilePosition at = e.getSource() instanceof FilePosition f ? f : new FilePosition("?", 0L);
                    throw new LogParseException(new RejectedLine(at.getFile(), at.getLine(), "", tooBig.get()));
                }
                return new KeyedRecord(e.getVm(), value);
            }
        };
    }
}
