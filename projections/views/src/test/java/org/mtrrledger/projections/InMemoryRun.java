package org.mtrrledger.projections;

import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/** Runs the real pipeline over a list of events of one VM, offsets 0..n-1, and keeps every zap and hazard. */
public final class InMemoryRun {
    public final Pipeline pipeline = new Pipeline(new PolicyProjection());
    public final VmLedger ledger;
    public final List<ZapRecord> zaps = new ArrayList<>();
    public final List<Hazard> hazards = new ArrayList<>();
    private long next;

    public InMemoryRun(String vm) {
        ledger = pipeline.newLedger(vm);
    }

    public InMemoryRun apply(MtrrEvent... events) {
        for (MtrrEvent e : events) {
            Pipeline.Step st = pipeline.step(ledger, new EventRef("mtrr.events", 0, next++), e);
            for (ProjectionRecord r : st.records()) {
                if (r.output() == PolicyProjection.ZAP_OUTPUT) {
                    zaps.add(ZapRecord.decode(r.value()));
                } else {
                    hazards.add(Hazard.decode(r.value()));
                }
            }
        }
        return this;
    }

    public long lastOffset() {
        return next - 1;
    }

    public List<ZapRecord> zaps(PolicyId p) {
        return zaps.stream().filter(z -> z.policy() == p).toList();
    }

    public List<ZapRecord> zapsAt(PolicyId p, long offset) {
        return zaps.stream().filter(z -> z.policy() == p && z.offset() == offset).toList();
    }

    public List<Hazard> hazards(PolicyId p) {
        return hazards.stream().filter(h -> h.policy() == p).toList();
    }
}
