package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.query.Hex;
import org.mtrrledger.projections.query.JsonViews;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Everything one event did: its outcome, the state delta, and per policy the zaps it caused and "
                + "the hazards it revealed.")
final class AuditCommand extends QueryCommand {
    @Option(names = "--vm", required = true, paramLabel = "ID")
    String vm;

    @Option(names = "--offset", required = true, paramLabel = "O")
    long offset;

    @Override
    void query(LedgerQueries q, PrintStream out) {
        String topic = q.topic();
        LedgerQueries.StoredEvent e = q.event(vm, offset);
        Map<String, Object> m = new LinkedHashMap<>(JsonViews.event(topic, e));
        Map<String, Object> byPolicy = new LinkedHashMap<>();
        for (PolicyId p : PolicyId.values()) {
            List<Map<String, Object>> zs = new ArrayList<>();
            for (ZapRecord z : q.zaps(vm, p, offset, offset)) {
                Map<String, Object> x = new LinkedHashMap<>();
                x.put("start_gfn", Hex.of(z.range().start()));
                x.put("end_gfn", Hex.of(z.range().end()));
                x.put("degenerate", z.degenerate());
                x.put("rule", z.rule());
                zs.add(x);
            }
            List<Map<String, Object>> hs = new ArrayList<>();
            for (Hazard h : q.hazards(vm, p, offset, offset)) {
                Map<String, Object> x = JsonViews.hazard(vm, topic, h, e);
                x.remove("vm");
                x.remove("policy");
                x.remove("check_point");
                hs.add(x);
            }
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("zaps", zs);
            pm.put("hazards", hs);
            byPolicy.put(p.label, pm);
        }
        m.put("policies", byPolicy);
        if (output.json) {
            JsonLinesOut.print(out, m);
            return;
        }
        out.printf("%s %s/%d@%d  vCPU %s  %s %s%n", vm, topic, e.partition(), offset, m.get("vcpu"), m.get("type"),
                EventsCommand.detail(m));
        out.printf("  source: %s%n  outcome: %s%s%n", m.get("source"), m.get("status"),
                e.folded().outcome().reason() == null ? "" : " (" + e.folded().outcome().reason() + ")");
        out.printf("  changes: %s%n", EventsCommand.changes(e).isEmpty() ? "none" : EventsCommand.changes(e));
        for (String n : e.folded().outcome().notes()) {
            out.printf("  note: %s%n", n);
        }
        TextTable t = new TextTable("  policy", "zaps", "hazards");
        byPolicy.forEach((p, v) -> {
            @SuppressWarnings("unchecked")
            Map<String, List<Map<String, Object>>> pm = (Map<String, List<Map<String, Object>>>) v;
            StringBuilder zs = new StringBuilder();
            for (Map<String, Object> z : pm.get("zaps")) {
                zs.append(zs.length() == 0 ? "" : " ").append('[').append(z.get("start_gfn")).append(", ")
                        .append(z.get("end_gfn")).append(')').append(Boolean.TRUE.equals(z.get("degenerate"))
                                ? "(degenerate)" : "");
            }
            StringBuilder hs = new StringBuilder();
            for (Map<String, Object> h : pm.get("hazards")) {
                hs.append(hs.length() == 0 ? "" : " ").append(h.get("kind")).append(" [").append(h.get("start_gfn"))
                        .append(", ").append(h.get("end_gfn")).append(") stale ").append(h.get("stale") != null
                                ? h.get("stale") : h.get("other_vcpus_memtypes")).append(" demanded ")
                        .append(h.get("demanded"));
            }
            t.row("  " + p, zs.length() == 0 ? "none" : zs, hs.length() == 0 ? "none" : hs);
        });
        t.print(out);
    }
}
