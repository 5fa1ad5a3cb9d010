package org.mtrrledger.projections.query;

import java.util.List;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.VmOverviewTable;

/**
 * What a user needs to find their way in one VM's log: where it is, how long, from which files and when.
 *
 * @param sources   the source files its events were read from, sorted
 * @param firstTsNs the earliest trace timestamp of its events, null when none has one
 */
public record VmOverview(String vm, int partition, long firstOffset, long lastOffset, int vcpus, long events,
        List<String> sources, Long firstTsNs, Long lastTsNs) {

    /**
     * The VM's latest fold state (its head caught up) and its overview ({@link LedgerQueries#overview}): each reads
     * the events after the VM's head, not the VM's whole log (unless the store has no overview of it).
     */
    public static VmOverview of(LedgerQueries q, String vm) {
        VmLedger l = q.foldAt(vm, null);
        VmOverviewTable.Overview o = q.overview(vm, l.lastOffset());
        return new VmOverview(vm, l.partition(), o.events() == 0 ? l.lastOffset() : o.firstOffset(), l.lastOffset(),
                l.vm().vcpus().size(), o.events(), o.sources(), o.firstTsNs(), o.lastTsNs());
    }
}
