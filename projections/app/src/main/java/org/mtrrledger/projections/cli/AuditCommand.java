package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.mtrrledger.projections.query.Audit;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.Position;
import org.mtrrledger.projections.render.EventJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Everything one event did: its outcome, the state delta, and per policy the zaps it caused and "
                + "the hazards it revealed.")
final class AuditCommand extends QueryCommand {
    @Option(names = "--vm", required = true, paramLabel = "ID", description = "VM id (mtrr vms lists them).")
    String vm;

    @Option(names = "--offset", required = true, paramLabel = "POS", description = "The event: "
            + Position.FORMS + ".")
    String position;

    @Override
    void validate() {
        Positions.parse("--offset", position);
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        long offset = Positions.resolve(q, vm, "--offset", position, output.json);
        String topic = q.topic();
        Audit.Result a = Audit.of(q, vm, offset);
        Map<String, Object> m = EventJson.audit(topic, a);
        @SuppressWarnings("unchecked")
        Map<String, Object> byPolicy = (Map<String, Object>) m.get("policies");
        if (output.json) {
            JsonLinesOut.print(out, m);
            return;
        }
        out.printf("%s %s/%s@%d  vCPU %s  %s %s%n", vm, topic, m.get("partition"), offset, m.get("vcpu"),
                m.get("type"), EventsCommand.detail(m));
        out.printf("  source: %s  ts: %s%n  outcome: %s%n", m.get("source"), m.get("ts") == null ? "-" : m.get("ts"),
                EventsCommand.status(m));
        String changes = EventsCommand.changes(m);
        out.printf("  changes: %s%n", changes.isEmpty() ? "none" : changes);
        @SuppressWarnings("unchecked")
        List<String> notes = (List<String>) m.getOrDefault("notes", List.of());
        for (String n : notes) {
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
