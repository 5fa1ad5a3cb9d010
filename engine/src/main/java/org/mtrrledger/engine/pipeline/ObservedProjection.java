package org.mtrrledger.engine.pipeline;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.EventRef;

/**
 * A projection that tells an observer about every step it ran (for metrics and benchmarks), and otherwise is the
 * projection it wraps. The observer must not change anything the fold or the projection owns.
 */
public final class ObservedProjection<S extends ProjectionState<S>, M> implements Projection<S, M> {
    /** Called after each step with the event's position and the records the wrapped projection produced. */
    @FunctionalInterface
    public interface StepObserver {
        void stepped(EventRef ref, List<ProjectionRecord> records);
    }

    private final Projection<S, M> delegate;
    private final StepObserver observer;

    public ObservedProjection(Projection<S, M> delegate, StepObserver observer) {
        this.delegate = delegate;
        this.observer = observer;
    }

    @Override
    public Class<S> stateType() {
        return delegate.stateType();
    }

    @Override
    public S initial(String vm) {
        return delegate.initial(vm);
    }

    @Override
    public S decode(byte[] bytes) {
        return delegate.decode(bytes);
    }

    @Override
    public M newMemo() {
        return delegate.newMemo();
    }

    @Override
    public List<ProjectionRecord> project(S state, M memo, VmState vm, EventRef ref, MtrrEvent event, FoldStep step) {
        List<ProjectionRecord> out = delegate.project(state, memo, vm, ref, event, step);
        observer.stepped(ref, out);
        return out;
    }
}
