package org.mtrrledger.projections.cli;

import static java.lang.Boolean.TRUE;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.fold.VcpuState;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pipeline.VmLedger;
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
        Map<String, Object> vmRow = StateJson.vm(vm, l.partition(), offset, s, l.perVm());
        List<Map<String, Object>> vcpuRows = new ArrayList<>();
        for (VcpuState v : s.vcpus()) {
            if (vcpu == null || v.index() == vcpu) {
                vcpuRows.add(StateJson.vcpu(vm, l.partition(), offset, s, v));
            }
        }
        if (output.json) {
            if (vcpu == null) {
                JsonLinesOut.print(out, vmRow);
            }
            vcpuRows.forEach(r -> JsonLinesOut.print(out, r));
            return;
        }
        out.printf("VM %s at partition %s offset %s: %s events, MAXPHYADDR %s, guest CPUID MTRR %s, tdp %s, "
                + "quirk CD_NW_CLEARED %s, non-coherent DMA count %s%n", vm, vmRow.get("partition"),
                vmRow.get("offset"), vmRow.get("events"), vmRow.get("maxphyaddr"), vmRow.get("guest_has_mtrr"),
                vmRow.get("tdp_enabled"), vmRow.get("quirk_cd_nw_cleared"), vmRow.get("noncoherent_dma_count"));
        for (Map<String, Object> v : vcpuRows) {
            out.printf("%nvCPU %s  %s  CR0 %s (CD=%d)  PAT %s%n", v.get("vcpu"),
                    TRUE.equals(v.get("online")) ? "online" : "offline", v.get("cr0"), TRUE.equals(v.get("cd")) ? 1 : 0,
                    v.get("pat"));
            printMtrrs(out, map(v.get("mtrr")));
        }
        if (vcpu == null) {
            out.printf("%nper-VM copy (per-vm-dirty)%n");
            printMtrrs(out, map(vmRow.get("per_vm_copy")));
            StringBuilder b = new StringBuilder("  dirty GFN ranges:");
            for (Object r : (List<?>) vmRow.get("dirty_gfn_ranges")) {
                List<?> range = (List<?>) r;
                b.append(" [").append(range.get(0)).append(", ").append(range.get(1)).append(')');
            }
            out.println(l.perVm().dirty().isEmpty() ? "  dirty GFN ranges: none" : b.toString());
        }
    }

    /** The text form of a {@link StateJson#mtrrs} object. */
    static void printMtrrs(PrintStream out, Map<String, Object> j) {
        out.printf("  DEF_TYPE %s (E=%d FE=%d default %s)%n", j.get("def_type"), TRUE.equals(j.get("enabled")) ? 1 : 0,
                TRUE.equals(j.get("fixed_enabled")) ? 1 : 0, j.get("default_type"));
        StringBuilder f = new StringBuilder("  fixed:");
        map(j.get("fixed")).forEach((k, v) -> f.append(' ').append(k).append('=').append(v));
        out.println(f);
        TextTable t = new TextTable("  pair", "PHYSBASE", "PHYSMASK", "valid", "type", "KVM range [start, end)");
        for (Object o : (List<?>) j.get("variable")) {
            Map<String, Object> v = map(o);
            boolean valid = TRUE.equals(v.get("valid"));
            List<?> r = (List<?>) v.get("kvm_range_gpa");
            t.row("  " + v.get("index"), v.get("base"), v.get("mask"), valid ? "V" : "", valid ? v.get("type") : "",
                    valid ? "[" + r.get(0) + ", " + r.get(1) + ")" : "");
        }
        t.print(out);
        out.println("  KVM list order: " + j.get("list_order"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }
}
