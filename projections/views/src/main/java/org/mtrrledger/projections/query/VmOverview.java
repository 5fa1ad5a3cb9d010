package org.mtrrledger.projections.query;

import java.util.List;
import java.util.TreeSet;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.avro.FilePosition;

/**
 * What a user needs to find their way in one VM's log: where it is, how long, from which files and when.
 *
 * @param sources   the source files its events were read from, sorted
 * @param firstTsNs the earliest trace timestamp of its events, null when none has one
 */
public record VmOverview(String vm, int partition, long firstOffset, long lastOffset, int vcpus, long events,
        List<String> sources, Long firstTsNs, Long lastTsNs) {

    /** One scan of the VM's stored events (their source files and first and last trace timestamps). */
    public static VmOverview of(LedgerQueries q, String vm) {
        VmLedger l = q.foldAt(vm, null);
        TreeSet<String> files = new TreeSet<>();
        long[] count = {0};
        Long[] ts = {null, null};
        long[] first = {-1};
        q.events(vm, 0, Long.MAX_VALUE, e -> {
            if (first[0] < 0) {
                first[0] = e.offset();
            }
            count[0]++;
            if (e.event().getSource() instanceof FilePosition f) {
                files.add(f.getFile());
            }
            Long t = e.event().getTimestampNs();
            if (t != null) {
                ts[0] = ts[0] == null ? t : Math.min(ts[0], t);
                ts[1] = ts[1] == null ? t : Math.max(ts[1], t);
            }
            return true;
        });
        return new VmOverview(vm, l.partition(), first[0] < 0 ? l.lastOffset() : first[0], l.lastOffset(),
                l.vm().vcpus().size(), count[0], List.copyOf(files), ts[0], ts[1]);
    }
}
