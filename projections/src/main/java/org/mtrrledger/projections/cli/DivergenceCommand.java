package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.memtype.KvmMtrrResolver;
import org.mtrrledger.projections.memtype.SdmMtrrResolver;
import org.mtrrledger.projections.query.Hex;
import org.mtrrledger.projections.query.JsonViews;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.MemtypeSnapshot;
import org.mtrrledger.projections.query.SnapshotDiff;
import org.mtrrledger.projections.query.SnapshotTarget;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "divergence", mixinStandardHelpOptions = true,
        description = "Every range where KVM's resolution of the guest MTRRs (kvm) disagrees with the SDM's (sdm).")
final class DivergenceCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @Option(names = "--at", paramLabel = "OFFSET", description = "Kafka offset of the VM's partition (default: latest).")
    Long at;

    @Override
    void query(LedgerQueries q, PrintStream out) {
        TextTable t = new TextTable("vm", "vcpu", "GPA start", "GPA end", "size", "kvm", "sdm").right(4);
        for (String vm : vms.resolve(q, true)) {
            VmLedger l = q.at(vm, at);
            long offset = at == null ? l.lastOffset() : at;
            for (VcpuState v : l.vm().vcpus()) {
                SnapshotTarget tg = new SnapshotTarget.Vcpu(v.index());
                MemtypeSnapshot kvm = MemtypeSnapshot.of(l.vm(), tg, l.partition(), offset, KvmMtrrResolver.INSTANCE,
                        KernelEra.V6_4);
                MemtypeSnapshot sdm = MemtypeSnapshot.of(l.vm(), tg, l.partition(), offset, SdmMtrrResolver.INSTANCE,
                        KernelEra.V6_4);
                for (SnapshotDiff.Changed c : SnapshotDiff.between(kvm, sdm)) {
                    if (c.before().memtype() == c.after().memtype()) {
                        continue;
                    }
                    if (output.json) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("vm", vm);
                        m.put("vcpu", v.index());
                        m.put("partition", l.partition());
                        m.put("offset", offset);
                        m.put("start_gfn", Hex.of(c.startGfn()));
                        m.put("end_gfn", Hex.of(c.endGfn()));
                        m.put("kvm", JsonViews.memtypeLabel(c.before().memtype()));
                        m.put("sdm", JsonViews.memtypeLabel(c.after().memtype()));
                        JsonLinesOut.print(out, m);
                    } else {
                        t.row(vm, v.index(), TextTable.gpa(c.startGfn()), TextTable.gpa(c.endGfn()),
                                TextTable.pages(c.endGfn() - c.startGfn()),
                                JsonViews.memtypeLabel(c.before().memtype()),
                                JsonViews.memtypeLabel(c.after().memtype()));
                    }
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
