package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.List;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.events.model.EventKind;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.Position;
import org.mtrrledger.projections.query.MemtypeDiff;
import org.mtrrledger.projections.query.MemtypeSnapshot;
import org.mtrrledger.projections.query.SnapshotDiff;
import org.mtrrledger.projections.query.SnapshotTarget;
import org.mtrrledger.projections.render.MemtypeJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "The ranges whose memtype changed between two offsets, with the events in between that changed "
                + "them.")
final class DiffCommand extends QueryCommand {
    @Option(names = "--vm", required = true, paramLabel = "ID", description = "VM id (mtrr vms lists them).")
    String vm;

    @Option(names = "--from", required = true, paramLabel = "POS", description = "The earlier point: "
            + Position.FORMS + ".")
    String from;

    @Option(names = "--to", required = true, paramLabel = "POS", description = "The later point (same forms).")
    String to;

    @Option(names = "--vcpu", paramLabel = "N", description = "One vCPU (default: every vCPU, then the per-VM copy).")
    Integer vcpu;

    @Option(names = "--resolver", defaultValue = "kvm", description = "kvm (KVM's code, default) or sdm (the SDM).")
    String resolver;

    @Option(names = "--kernel", defaultValue = "v6.4", description = "EPT memtype rules of v6.4 (default), v6.7 or "
            + "v6.11.")
    String kernel;

    @Override
    void validate() {
        Positions.checkRange("--from", from, "--to", to);
        Args.resolver(resolver);
        Args.kernel(kernel);
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        long[] range = Positions.range(q, vm, "--from", from, "--to", to, output.json);
        GuestMtrrResolver r = Args.resolver(resolver);
        KernelEra era = Args.kernel(kernel);
        String topic = q.topic();
        List<MemtypeDiff.Row> rows = MemtypeDiff.between(q, vm, range[0], range[1], vcpu, r, era);
        TextTable t = new TextTable("target", "GPA start", "GPA end", "size", "before", "after", "changed by");
        for (MemtypeDiff.Row row : rows) {
            SnapshotDiff.Changed c = row.changed();
            if (output.json) {
                JsonLinesOut.print(out, MemtypeJson.diff(topic, row));
            } else {
                String label = row.target() instanceof SnapshotTarget.Vcpu v ? "vCPU " + v.index() : "per-VM copy";
                StringBuilder b = new StringBuilder();
                for (StoredEvent e : row.why()) {
                    b.append(b.length() == 0 ? "" : ", ").append(e.ref().offset()).append(' ')
                            .append(EventKind.typeOf(e.event()));
                }
                t.row(label, TextTable.gpa(c.startGfn()), TextTable.gpa(c.endGfn()),
                        TextTable.pages(c.endGfn() - c.startGfn()), text(c.before()), text(c.after()), b);
            }
        }
        if (!output.json) {
            t.print(out);
        }
    }

    private static String text(MemtypeSnapshot.Range r) {
        return r.memtypeLabel() + "/" + r.eptMemtypeLabel() + (r.ipat() ? "|IPAT" : "");
    }
}
