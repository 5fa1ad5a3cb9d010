package org.mtrrledger.engine.pipeline;

import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pervm.PerVmCopy;

/**
 * What a {@link Projection} sees of one event: the two folds' states after it and what each did.
 *
 * @param vm          KVM's state after the event
 * @param step        what KVM's fold did ({@link org.mtrrledger.engine.fold.Fold})
 * @param perVm       the seed thread's per-VM copy after the event
 * @param perVmChange what the event did to the per-VM copy ({@link PerVmCopy#apply})
 */
public record Folded(VmState vm, FoldStep step, PerVmCopy perVm, PerVmCopy.Change perVmChange) {
}
