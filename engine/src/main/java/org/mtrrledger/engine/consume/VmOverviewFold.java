package org.mtrrledger.engine.consume;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.VmOverviewTable;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.model.EventKind;

/**
 * A VM's {@link VmOverviewTable.Overview} being folded, one event at a time: the writer keeps one per cached VM and
 * stores it with the VM's head; a reader starts from the stored one and folds in the events after it. Per event it
 * counts the event under its kind, compares numbers and, for an event read from a file, the file's name with the
 * previous event's (a VM's events come from a file at a time), touching the set of names only when the file
 * changes. Events at or before the offset it is as of are passed over, so folding a range twice counts it once. Not
 * thread-safe.
 */
public final class VmOverviewFold {
    private long asOf;
    private long events;
    private long firstOffset;
    private boolean timed;
    private long firstTs;
    private long lastTs;
    private final TreeSet<String> sources = new TreeSet<>();
    /** The file of the last event folded that had one, or null. */
    private String lastSource;
    private final long[] byKind = new long[VmOverviewTable.KINDS];

    private VmOverviewFold(VmOverviewTable.Overview o) {
        asOf = o.asOf();
        events = o.events();
        firstOffset = o.firstOffset();
        timed = o.firstTsNs() != null;
        firstTs = timed ? o.firstTsNs() : 0;
        lastTs = timed ? o.lastTsNs() : 0;
        sources.addAll(o.sources());
        for (int k = 0; k < byKind.length; k++) {
            byKind[k] = o.byKind().get(k);
        }
    }

    /** An overview of no events. */
    public static VmOverviewFold empty() {
        return new VmOverviewFold(new VmOverviewTable.Overview(-1, 0, -1, null, null, List.of(),
                Collections.nCopies(VmOverviewTable.KINDS, 0L)));
    }

    /** Continues from {@code stored}. */
    public static VmOverviewFold of(VmOverviewTable.Overview stored) {
        return new VmOverviewFold(stored);
    }

    /** The event log read for the events' payloads only, as {@link #read} reads it. */
    public static EventLog<byte[]> payloads(LedgerStore store) {
        return new EventLog<>(store, FoldedEvent::payloadOf);
    }

    /**
     * The VM's stored overview, caught up with its stored events in (its as-of offset, {@code to}]: one bounded scan
     * of {@code payloads} ({@link #payloads}). Without a stored overview (a store folded by a build without them) that
     * scan is of every event up to {@code to}.
     */
    public static VmOverviewFold read(VmOverviewTable table, EventLog<byte[]> payloads, EventCodec codec, String vm,
            long to) {
        VmOverviewTable.Overview stored = table.get(vm);
        VmOverviewFold f = stored == null ? empty() : of(stored);
        payloads.scan(vm, f.asOf + 1, to, (offset, payload) -> {
            f.add(offset, codec.decode(payload));
            return true;
        });
        return f;
    }

    /** Folds in the VM's event at {@code offset}, unless the overview is as of it or a later one. */
    public void add(long offset, MtrrEvent e) {
        if (offset <= asOf) {
            return;
        }
        asOf = offset;
        if (firstOffset < 0) {
            firstOffset = offset;
        }
        events++;
        byKind[EventKind.of(e).ordinal()]++;
        if (e.getSource() instanceof FilePosition f) {
            String file = f.getFile();
            if (!file.equals(lastSource)) {
                sources.add(file);
                lastSource = file;
            }
        }
        Long t = e.getTimestampNs();
        if (t != null) {
            long ts = t;
            if (!timed) {
                timed = true;
                firstTs = ts;
                lastTs = ts;
            } else if (ts < firstTs) {
                firstTs = ts;
            } else if (ts > lastTs) {
                lastTs = ts;
            }
        }
    }

    /** The offset of the last event folded in, -1 when none is. */
    public long asOf() {
        return asOf;
    }

    public VmOverviewTable.Overview overview() {
        return new VmOverviewTable.Overview(asOf, events, firstOffset, timed ? firstTs : null, timed ? lastTs : null,
                List.copyOf(sources), Arrays.stream(byKind).boxed().toList());
    }
}
