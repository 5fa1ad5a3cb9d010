package org.mtrrledger.projections.query;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.avro.FilePosition;

/** What a user needs to find their way in one VM's log: where it is, how long, from which files and when. */
public final class VmOverview {
    private VmOverview() {
    }

    /** One scan of the VM's stored events (their source files and first and last trace timestamps). */
    public static Map<String, Object> of(LedgerQueries q, String vm) {
        VmLedger l = q.latest(vm);
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
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("partition", l.partition());
        m.put("first_offset", first[0] < 0 ? l.lastOffset() : first[0]);
        m.put("last_offset", l.lastOffset());
        m.put("vcpus", l.vm().vcpus().size());
        m.put("events", count[0]);
        m.put("sources", new java.util.ArrayList<>(files));
        m.put("first_ts", ts[0] == null ? null : org.mtrrledger.events.parse.TraceTimestamp.format(ts[0]));
        m.put("last_ts", ts[1] == null ? null : org.mtrrledger.events.parse.TraceTimestamp.format(ts[1]));
        return m;
    }
}
