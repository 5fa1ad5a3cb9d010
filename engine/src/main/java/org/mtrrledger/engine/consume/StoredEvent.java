package org.mtrrledger.engine.consume;

import org.mtrrledger.engine.fold.Outcome;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.EventRef;

/**
 * An event of the {@link EventLog} at its place in the audit log, decoded, with what the fold made of it (its audit
 * {@link Outcome}): the one shape in which queries, {@link TimeTravel} and the renderers hand events around. Read
 * with the stored outcome ({@code LedgerQueries}) or refolded by a replay ({@link TimeTravel#replay}); both give the
 * same outcome, because the fold is one pure function.
 *
 * @param vm the VM id, the event log's key (the same as the event's own)
 */
public record StoredEvent(String vm, EventRef ref, MtrrEvent event, Outcome outcome) {
    /** {@code ref().partition()}. */
    public int partition() {
        return ref.partition();
    }

    /** {@code ref().offset()}. */
    public long offset() {
        return ref.offset();
    }
}
