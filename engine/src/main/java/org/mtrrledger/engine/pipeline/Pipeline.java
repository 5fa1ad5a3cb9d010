package org.mtrrledger.engine.pipeline;

import java.util.List;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.model.EventRef;

/**
 * The one algorithm behind live consumption, rebuild and time travel: fold the event into KVM's state, then into
 * the per-VM copy, then run the projection on the result. Callers differ only in where the ledger comes from and
 * where the outputs go.
 */
public final class Pipeline {
    private final Projection<?, ?> projection;

    public Pipeline(Projection<?, ?> projection) {
        this.projection = projection;
    }

    public Projection<?, ?> projection() {
        return projection;
    }

    public VmLedger newLedger(String vm) {
        return new VmLedger(VmState.empty(vm), PerVmCopy.empty(), projection.initial(vm), -1, -1);
    }

    /** The result of one step: the fold's outcome and facts, and the projection's records. */
    public record Step(FoldStep fold, List<ProjectionRecord> records) {
    }

    public Step step(VmLedger ledger, EventRef ref, MtrrEvent event) {
        FoldStep f = Fold.apply(ledger.vm(), event);
        PerVmCopy.Change c = ledger.perVm().apply(ledger.vm(), f);
        Folded folded = new Folded(ledger.vm(), f, ledger.perVm(), c);
        List<ProjectionRecord> out = project(projection, ledger, ref, event, folded);
        ledger.lastOffset(ref.offset());
        ledger.partition(ref.partition());
        return new Step(f, out);
    }

    private static <S extends ProjectionState<S>, M> List<ProjectionRecord> project(Projection<S, M> p,
            VmLedger ledger, EventRef ref, MtrrEvent event, Folded f) {
        return p.project(ledger.projection(p), ledger.memo(p), f, ref, event);
    }
}
