package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.projections.memtype.KernelEra;

/** A zap policy as one rule per kind of trigger (MTRR write, guest CR0 write, non-coherent DMA), named in the table. */
record RulePolicy(PolicyId id, KernelEra era, MtrrSource mtrrSource, MsrWriteRule onMsrWrite, Cr0Rule onCr0Write,
        DmaRule onDma) implements ZapPolicy {

    @Override
    public void zaps(VmState vm, FoldStep step, List<Zap> out) {
        if (step.msrWrite() != null) {
            onMsrWrite.zaps(vm, step, id, out);
        } else if (step.cr0Write() != null) {
            onCr0Write.zaps(vm, step, id, out);
        } else if (step.dma() != null) {
            onDma.zaps(vm, step, id, out);
        }
    }
}
