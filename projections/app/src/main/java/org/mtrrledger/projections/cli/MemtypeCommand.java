package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.MemtypeQuery;
import org.mtrrledger.projections.query.MemtypeSnapshot;
import org.mtrrledger.projections.query.SnapshotTarget;
import org.mtrrledger.projections.render.MemtypeJson;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "memtype", mixinStandardHelpOptions = true,
        description = "Memtype map of a vCPU (or the per-VM copy) at any offset: guest-MTRR type, EPT type and IPAT.")
final class MemtypeCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @ArgGroup(exclusive = true)
    Target target;

    static final class Target {
        @Option(names = "--vcpu", paramLabel = "N", description = "One vCPU (default: every vCPU).")
        Integer vcpu;

        @Option(names = "--per-vm", description = "The per-VM copy of the per-vm-dirty policy.")
        boolean perVm;
    }

    @Mixin
    AtPosition at;

    @Option(names = "--resolver", defaultValue = "kvm", description = "kvm (KVM's code, default) or sdm (the SDM).")
    String resolver;

    @Option(names = "--kernel", defaultValue = "v6.4", description = "EPT memtype rules of v6.4, v6.7 or v6.11.")
    String kernel;

    @Option(names = "--gpa", paramLabel = "ADDR", description = "Only the range holding this guest-physical address.")
    String gpa;

    @Override
    void validate() {
        vms.check(false);
        at.validate();
        Args.resolver(resolver);
        Args.kernel(kernel);
        Args.number("--gpa", gpa);
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        GuestMtrrResolver r = Args.resolver(resolver);
        KernelEra era = Args.kernel(kernel);
        for (String vm : vms.resolve(q, false)) {
            SnapshotTarget t = target != null && target.perVm ? SnapshotTarget.PER_VM
                    : target != null && target.vcpu != null ? new SnapshotTarget.Vcpu(target.vcpu) : null;
            Long off = at.resolve(q, vm, output.json);
            for (MemtypeSnapshot s : MemtypeQuery.snapshots(q, vm, off, t, r, era)) {
                if (gpa != null) {
                    s = s.at(Args.number("--gpa", gpa) >>> 12);
                }
                if (output.json) {
                    JsonLinesOut.print(out, MemtypeJson.snapshot(s));
                } else {
                    printText(out, s);
                }
            }
        }
    }

    /** Marks, on a terminal, the ranges the guest cannot address (at or above 2^MAXPHYADDR). */
    static final String BEYOND = "░ beyond MAXPHYADDR";

    static void printText(PrintStream out, MemtypeSnapshot s) {
        out.printf("%s %s at partition %d offset %d  resolver=%s kernel=%s%n", s.vm(),
                s.vcpu() == null ? "per-VM copy" : "vCPU " + s.vcpu(), s.partition(), s.offset(), s.resolver(),
                s.kernel());
        TextTable t = new TextTable("GPA start", "GPA end", "size", "MTRR", "EPT", "IPAT", "").right(2);
        for (MemtypeSnapshot.Range r : s.ranges()) {
            t.row(TextTable.gpa(r.startGfn()), TextTable.gpa(r.endGfn()),
                    TextTable.pages(r.endGfn() - r.startGfn()), r.memtypeLabel(),
                    r.eptMemtypeLabel(), r.ipat() ? "1" : "0",
                    r.beyondMaxPhysAddr() ? BEYOND : "");
        }
        t.print(out);
        out.println();
    }
}
