package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.render.PolicyJson;
import org.mtrrledger.projections.zap.PolicyId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "zaps", mixinStandardHelpOptions = true,
        description = "The kvm_zap_gfn_range() calls each policy issues, with the event that triggered each one.")
final class ZapsCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @Mixin
    PositionRange range;

    @Option(names = "--policy", paramLabel = "P", split = ",",
            description = "v6.4, v6.7, yan-v2-vcpu0, yan-v4-cd-toggle, yan-v4-fine, sean-cd-nonwb, v6.11, "
                    + "per-vm-dirty (repeatable; default all).")
    List<String> policies;

    @Option(names = "--gfn", paramLabel = "G", description = "Only zaps whose range holds this GFN.")
    String gfn;

    @Override
    void validate() {
        vms.check(false);
        range.validate();
        if (policies != null) {
            policies.forEach(Args::policy);
        }
        Args.number("--gfn", gfn);
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        List<PolicyId> ps = new ArrayList<>();
        if (policies == null || policies.isEmpty()) {
            ps.addAll(List.of(PolicyId.values()));
        } else {
            policies.forEach(p -> ps.add(Args.policy(p)));
        }
        Long g = Args.number("--gfn", gfn);
        String topic = q.topic();
        TextTable t = new TextTable("vm", "policy", "start GFN", "end GFN", "size", "trigger", "ts", "vcpu",
                "event", "source", "rule");
        for (String vm : vms.resolve(q, false)) {
            long[] r = range.resolve(q, vm, output.json);
            for (PolicyId p : ps) {
                q.zapsWithTriggers(vm, p, r[0], 0, r[1], z -> g == null || z.range().contains(g), (z, trigger) -> {
                    Map<String, Object> zj = PolicyJson.zap(vm, topic, z, trigger);
                    if (output.json) {
                        JsonLinesOut.print(out, zj);
                    } else {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> j = (Map<String, Object>) zj.get("trigger");
                        t.row(vm, zj.get("policy"), zj.get("start_gfn"), zj.get("end_gfn"),
                                z.degenerate() ? "degenerate" : TextTable.pages(z.range().size()),
                                j.get("partition") + "@" + j.get("offset"), j.get("ts"),
                                z.vcpu() < 0 ? "-" : z.vcpu(),
                                j.get("type") + (j.containsKey("msr") ? " " + j.get("msr") + " " + j.get("old") + "->"
                                        + j.get("new") : j.containsKey("toggled") ? " cr0 " + j.get("old") + "->"
                                        + j.get("new") : j.containsKey("op") ? " " + j.get("op") : ""),
                                j.get("source"), zj.get("rule"));
                    }
                    return true;
                });
            }
        }
        if (!output.json) {
            t.print(out);
        }
    }
}
