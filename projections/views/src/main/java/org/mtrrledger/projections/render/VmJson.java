package org.mtrrledger.projections.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.parse.TraceTimestamp;
import org.mtrrledger.projections.query.VmOverview;

/** The VMs in the store: {@code mtrr vms}'s overview and the API's summary the web view starts from. */
public final class VmJson {
    private VmJson() {
    }

    public static Map<String, Object> overview(VmOverview o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", o.vm());
        m.put("partition", o.partition());
        m.put("first_offset", o.firstOffset());
        m.put("last_offset", o.lastOffset());
        m.put("vcpus", o.vcpus());
        m.put("events", o.events());
        m.put("sources", new ArrayList<>(o.sources()));
        m.put("first_ts", o.firstTsNs() == null ? null : TraceTimestamp.format(o.firstTsNs()));
        m.put("last_ts", o.lastTsNs() == null ? null : TraceTimestamp.format(o.lastTsNs()));
        return m;
    }

    /** The VM's latest state in brief: vCPUs, partition, latest offset, events, whether EPT honours guest MTRRs. */
    public static Map<String, Object> summary(String vm, VmLedger l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vm", vm);
        m.put("vcpus", l.vm().vcpus().size());
        List<Integer> ids = new ArrayList<>();
        for (VcpuState v : l.vm().vcpus()) {
            ids.add(v.index());
        }
        m.put("vcpu_ids", ids);
        m.put("partition", l.partition());
        m.put("latest_offset", l.lastOffset());
        m.put("events", l.vm().eventCount());
        m.put("honors_guest_mtrrs", l.vm().honorsGuestMtrrs());
        m.put("noncoherent_dma_count", l.vm().noncoherentDmaCount());
        return m;
    }
}
