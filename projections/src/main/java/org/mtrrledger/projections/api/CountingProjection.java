package org.mtrrledger.projections.api;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pipeline.EventRef;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.pipeline.ProjectionState;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.zap.PolicyId;

/** A projection that counts the zap and hazard records of the projection it wraps; otherwise identical. */
final class CountingProjection implements Projection {
    private final Projection delegate;
    private final ApiMetrics metrics;

    CountingProjection(Projection delegate, ApiMetrics metrics) {
        this.delegate = delegate;
        this.metrics = metrics;
    }

    @Override
    public ProjectionState initial(String vm) {
        return delegate.initial(vm);
    }

    @Override
    public ProjectionState decode(byte[] bytes) {
        return delegate.decode(bytes);
    }

    @Override
    public List<ProjectionRecord> project(ProjectionState state, VmState vm, EventRef ref, MtrrEvent event,
            FoldStep step) {
        List<ProjectionRecord> out = delegate.project(state, vm, ref, event, step);
        for (ProjectionRecord r : out) {
            PolicyId p = PolicyId.ofCode(r.policyId());
            if (r.kind() == ProjectionRecord.Kind.ZAP) {
                metrics.countZap(p);
            } else {
                metrics.countHazard(p, Hazard.decode(r.value()).kind());
            }
        }
        return out;
    }
}
