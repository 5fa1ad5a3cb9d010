package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.events.model.GfnRange;
import org.mtrrledger.events.model.MemType;
import org.mtrrledger.events.model.MtrrMsr;
import org.mtrrledger.events.model.MtrrState;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.projections.query.Hex;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.render.StateJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "state", mixinStandardHelpOptions = true,
        description = "MTRR MSRs (as RDMSR returns them), KVM list order, CR0 and PAT of each vCPU, and the per-VM "
                + "copy with its dirty ranges, at any offset.")
final class StateCommand extends QueryCommand {
    @Option(names = "--vm", required = true, paramLabel = "ID", description = "VM id (mtrr vms lists them).")
    String vm;

    @Option(names = "--vcpu", paramLabel = "N", description = "Only this vCPU (and no per-VM record).")
    Integer vcpu;

    @Mixin
    AtPosition at;

    @Override
    void validate() {
        at.validate();
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        Long off = at.resolve(q, vm, output.json);
        VmLedger l = q.foldAt(vm, off);
        VmState s = l.vm();
        long offset = off == null ? l.lastOffset() : off;
        if (vcpu != null && s.vcpu(vcpu) == null) {
            throw new CliFailure("VM '" + vm + "' has no vCPU " + vcpu + " at offset " + offset);
        }
        if (output.json) {
            if (vcpu == null) {
                JsonLinesOut.print(out, StateJson.vm(vm, l.partition(), offset, s));
            }
            for (VcpuState v : s.vcpus()) {
                if (vcpu == null || v.index() == vcpu) {
                    JsonLinesOut.print(out, StateJson.vcpu(vm, l.partition(), offset, s, v));
                }
            }
            return;
        }
        out.printf("VM %s at partition %d offset %d: %d events, MAXPHYADDR %d, guest CPUID MTRR %s, tdp %s, "
                + "quirk CD_NW_CLEARED %s, non-coherent DMA count %d%n", vm, l.partition(), offset, s.eventCount(),
                s.settings().maxPhysAddr(), s.settings().guestHasMtrr(), s.settings().tdpEnabled(),
                s.settings().quirkCdNwCleared(), s.noncoherentDmaCount());
        for (VcpuState v : s.vcpus()) {
            if (vcpu != null && v.index() != vcpu) {
                continue;
            }
            out.printf("%nvCPU %d  %s  CR0 %s (CD=%d)  PAT %s%n", v.index(), v.online() ? "online" : "offline",
                    Hex.of(v.cr0()), v.cd() ? 1 : 0, Hex.of(v.pat()));
            printMtrrs(out, v.mtrr(), s.settings().maxPhysAddr());
        }
        if (vcpu == null) {
            out.printf("%nper-VM copy (per-vm-dirty)%n");
            printMtrrs(out, s.perVmCopy(), s.settings().maxPhysAddr());
            StringBuilder b = new StringBuilder("  dirty GFN ranges:");
            for (GfnRange r : s.dirty().ranges()) {
                b.append(' ').append(r);
            }
            out.println(s.dirty().isEmpty() ? "  dirty GFN ranges: none" : b.toString());
        }
    }

    static void printMtrrs(PrintStream out, MtrrState m, int maxPhys) {
        var j = StateJson.mtrrs(m, maxPhys);
        out.printf("  DEF_TYPE %s (E=%d FE=%d default %s)%n", j.get("def_type"), m.enabled() ? 1 : 0,
                m.fixedEnabled() ? 1 : 0, MemType.label(m.defaultType()));
        StringBuilder f = new StringBuilder("  fixed:");
        ((java.util.Map<?, ?>) j.get("fixed")).forEach((k, v) -> f.append(' ').append(k).append('=').append(v));
        out.println(f);
        TextTable t = new TextTable("  pair", "PHYSBASE", "PHYSMASK", "valid", "type", "KVM range [start, end)");
        for (int i = 0; i < 8; i++) {
            long[] r = m.varRange(i);
            t.row("  " + i, Hex.of(m.rdmsr(MtrrMsr.VAR_BASE, 0x200 + 2 * i, maxPhys)),
                    Hex.of(m.rdmsr(MtrrMsr.VAR_MASK, 0x201 + 2 * i, maxPhys)),
                    m.isValid(i) ? "V" : "", m.isValid(i) ? MemType.label(m.varType(i)) : "",
                    m.isValid(i) ? "[" + Hex.of(r[0]) + ", " + Hex.of(r[1]) + ")" : "");
        }
        t.print(out);
        out.println("  KVM list order: " + j.get("list_order"));
    }
}
