package org.mtrrledger.engine.pipeline;

import org.mtrrledger.events.model.EventRef;
import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.avro.MtrrEvent;

/**
 * A projection that tells an observer about every step it ran (for metrics and benchmarks), and otherwise is the
 * projection it wraps. The observer must not change anything the fold or the projection owns.
 */
public final class ObservedProjection implements Projection {
    /** Called after each step with the event's position and the records the wrapped projection produced. */
    @FunctionalInterface
    public interface StepObserver {
        void stepped(EventRef ref, List<ProjectionRecord> records);
    }

    private final Projection delegate;
    private final StepObserver observer;

    public ObservedProjection(Projection delegate, StepObserver observer) {
        this.delegate = delegate;
        this.observer = observer;
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
        observer.stepped(ref, out);
        return out;
    }
}
