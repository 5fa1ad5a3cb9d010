package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.projections.ledger.PoliciesState;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.ledger.PolicyCounters;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.render.PolicyJson;
import org.mtrrledger.projections.zap.PolicyId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "policies", mixinStandardHelpOptions = true,
        description = "Per zap policy: zap calls, degenerate calls, full-range zaps, GFNs zapped and hazards, summed "
                + "over the chosen VMs (default: all). The seed thread's question answered with data.",
        footerHeading = "%nColumns:%n",
        footer = {
            "  zap calls        kvm_zap_gfn_range() calls the policy issues.",
            "  degenerate       calls with end <= start: KVM WARNs and zaps nothing.",
            "  full-range       calls covering GFN 0 up to the guest's MAXPHYADDR limit (all of guest memory).",
            "  GFNs zapped      GFNs the calls cover, clipped to the MAXPHYADDR limit.",
            "  memtype hazards  at a check point (a vCPU's CR0.CD 1->0, or a non-coherent DMA transfer), GFN ranges",
            "                   where an EPT entry built earlier with another memtype than the guest MTRRs now demand",
            "                   may survive, because no zap of this policy cleared it since.",
            "  IPAT hazards     the same for the EPT ignore-PAT bit.",
            "  disagreements    at a DMA transfer, GFN ranges of the transfer where another online vCPU's guest",
            "                   MTRRs give another type than the lowest online vCPU's (the type the hazard check",
            "                   takes as demanded): the guest's own MTRRs disagree there, which no zap can repair,",
            "                   so the count is the same for every policy.",
            "  what it is       the policy (kernel release or patch series) in one line."})
final class PoliciesCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @Mixin
    AtPosition at;

    @Option(names = "--per-vm", description = "One row per VM and policy instead of totals (same columns).")
    boolean perVm;

    @Override
    void validate() {
        at.validate();
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        List<String> chosen = vms.resolve(q, true);
        PolicyCounters[] total = new PolicyCounters[PolicyId.values().length];
        for (int i = 0; i < total.length; i++) {
            total[i] = new PolicyCounters();
        }
        TextTable perVmTable = new TextTable("vm", "policy", "zap calls", "degenerate", "full-range", "GFNs zapped",
                "memtype hazards", "IPAT hazards", "disagreements").right(2, 3, 4, 5, 6, 7, 8);
        for (String vm : chosen) {
            VmLedger l = q.at(vm, at.resolve(q, vm, output.json));
            PoliciesState s = PolicyProjection.stateOf(l);
            for (PolicyId p : PolicyId.values()) {
                PolicyCounters c = s.counters(p);
                c.addTo(total[p.code]);
                if (perVm) {
                    Map<String, Object> m = PolicyJson.policy(vm, p, c);
                    if (output.json) {
                        JsonLinesOut.print(out, m);
                    } else {
                        perVmTable.row(m.values().toArray());
                    }
                }
            }
        }
        if (perVm) {
            if (!output.json) {
                perVmTable.print(out);
            }
            return;
        }
        if (output.json) {
            for (PolicyId p : PolicyId.values()) {
                var m = PolicyJson.policy(null, p, total[p.code]);
                m.put("vms", chosen.size());
                JsonLinesOut.print(out, m);
            }
            return;
        }
        printTotals(chosen.size(), total, out);
    }

    /** The seed thread's table: one row per policy, summed over {@code q}'s chosen VMs at {@code at}. */
    static void printTotals(LedgerQueries q, List<String> vms, Long at, PrintStream out) {
        PolicyCounters[] total = new PolicyCounters[PolicyId.values().length];
        for (int i = 0; i < total.length; i++) {
            total[i] = new PolicyCounters();
        }
        for (String vm : vms) {
            PoliciesState s = PolicyProjection.stateOf(q.at(vm, at));
            for (PolicyId p : PolicyId.values()) {
                s.counters(p).addTo(total[p.code]);
            }
        }
        printTotals(vms.size(), total, out);
    }

    private static void printTotals(int vms, PolicyCounters[] total, PrintStream out) {
        out.printf("%d VM(s)%n", vms);
        TextTable t = new TextTable("policy", "zap calls", "degenerate", "full-range", "GFNs zapped",
                "memtype hazards", "IPAT hazards", "disagreements", "what it is").right(1, 2, 3, 4, 5, 6, 7);
        for (PolicyId p : PolicyId.values()) {
            List<Object> cells = new ArrayList<>(PolicyJson.policy(null, p, total[p.code]).values());
            cells.add(p.description);
            t.row(cells.toArray());
        }
        t.print(out);
    }
}
