package org.mtrrledger.engine.pipeline;

import java.util.List;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.FoldStep;
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
        return VmLedger.initial(vm, projection);
    }

    /** The result of one step: the fold's outcome and facts, and the projection's records. */
    public record Step(FoldStep fold, List<ProjectionRecord> records) {
    }

    public Step step(VmLedger ledger, EventRef ref, MtrrEvent event) {
        FoldStep f = Fold.apply(ledger.vm(), event);
        PerVmCopy.Change c = ledger.perVm().apply(ledger.vm(), f);
        Folded folded = new Folded(ledger.vm(), f, ledger.perVm(), c);
        List<ProjectionRecord> out = ledger.project(projection, folded, ref, event);
        ledger.lastOffset(ref.offset());
        ledger.partition(ref.partition());
        return new Step(f, out);
    }
}
