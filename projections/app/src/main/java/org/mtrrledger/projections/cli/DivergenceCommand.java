package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import org.mtrrledger.projections.query.Divergence;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.SnapshotDiff;
import org.mtrrledger.projections.render.MemtypeJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "divergence", mixinStandardHelpOptions = true,
        description = "Every range where KVM's resolution of the guest MTRRs (kvm) disagrees with the SDM's (sdm).")
final class DivergenceCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @Mixin
    AtPosition at;

    @Override
    void validate() {
        at.validate();
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        TextTable t = new TextTable("vm", "vcpu", "GPA start", "GPA end", "size", "kvm", "sdm").right(4);
        for (String vm : vms.resolve(q, true)) {
            for (Divergence.Row d : Divergence.of(q, vm, at.resolve(q, vm, output.json))) {
                SnapshotDiff.Changed c = d.changed();
                if (output.json) {
                    JsonLinesOut.print(out, MemtypeJson.divergence(d));
                } else {
                    t.row(vm, d.vcpu(), TextTable.gpa(c.startGfn()), TextTable.gpa(c.endGfn()),
                            TextTable.pages(c.endGfn() - c.startGfn()), d.kvm(), d.sdm());
                }
            }
        }
        if (!output.json) {
            if (t.size() == 0) {
                out.println("no divergence: KVM and the SDM agree on every range");
            } else {
                t.print(out);
            }
        }
    }
}
