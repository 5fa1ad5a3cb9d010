package org.mtrrledger.projections.zap;

import java.util.List;
import org.mtrrledger.engine.fold.FoldStep;
import org.mtrrledger.engine.fold.FoldStep.Cr0Fact;
import org.mtrrledger.engine.fold.FoldStep.DmaFact;
import org.mtrrledger.engine.fold.FoldStep.MsrWriteFact;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pipeline.Folded;
import org.mtrrledger.projections.memtype.KernelEra;

/** A zap policy as one rule per kind of trigger (MTRR write, guest CR0 write, non-coherent DMA), named in the table. */
record RulePolicy(PolicyId id, KernelEra era, MtrrSource mtrrSource, MsrWriteRule onMsrWrite, Cr0Rule onCr0Write,
        DmaRule onDma) implements ZapPolicy {

    @Override
    public void zaps(Folded folded, List<Zap> out) {
        VmState vm = folded.vm();
        FoldStep step = folded.step();
        FoldStep.Fact fact = step.fact();
        if (fact instanceof MsrWriteFact w) {
            onMsrWrite.zaps(vm, step.vcpu(), w, id, out);
        } else if (fact instanceof Cr0Fact c) {
            onCr0Write.zaps(vm, step.vcpu(), c, folded.perVmChange(), id, out);
        } else if (fact instanceof DmaFact d) {
            onDma.zaps(vm, d, id, out);
        }
    }
}
