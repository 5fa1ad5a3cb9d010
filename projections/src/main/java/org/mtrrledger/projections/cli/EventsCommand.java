package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.Map;
import org.mtrrledger.projections.query.JsonViews;
import org.mtrrledger.projections.query.LedgerQueries;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "events", mixinStandardHelpOptions = true,
        description = "The folded events with their outcomes (accepted, rejected and why, what changed).")
final class EventsCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @Mixin
    OffsetRange range;

    @Override
    void validate() {
        vms.check(false);
        range.validate();
    }

    @Override
    void query(LedgerQueries q, PrintStream out) {
        String topic = q.topic();
        TextTable t = new TextTable("vm", "vcpu", "offset", "ts", "type", "detail", "status", "source", "changes");
        for (String vm : vms.resolve(q, false)) {
            long[] r = range.resolve(q, vm, output.json);
            for (LedgerQueries.StoredEvent e : q.events(vm, r[0], r[1])) {
                Map<String, Object> j = JsonViews.event(topic, e);
                if (output.json) {
                    JsonLinesOut.print(out, j);
                } else {
                    t.row(vm, j.get("vcpu"), e.partition() + "@" + e.offset(), j.get("ts"), j.get("type"),
                            detail(j),
                            j.get("status") + (e.folded().outcome().reason() == null ? ""
                                    : " (" + e.folded().outcome().reason() + ")"),
                            j.get("source"), changes(e));
                }
            }
        }
        if (!output.json) {
            t.print(out);
        }
    }

    static String detail(Map<String, Object> j) {
        StringBuilder b = new StringBuilder();
        for (String k : new String[] {"msr", "value", "op", "gpa", "len", "cr0", "maxphyaddr"}) {
            if (j.containsKey(k)) {
                b.append(b.length() == 0 ? "" : " ").append(k).append('=').append(j.get(k));
            }
        }
        if (Boolean.TRUE.equals(j.get("host_initiated"))) {
            b.append(" host");
        }
        return b.toString();
    }

    static String changes(LedgerQueries.StoredEvent e) {
        StringBuilder b = new StringBuilder();
        for (var c : e.folded().outcome().changes()) {
            b.append(b.length() == 0 ? "" : "; ").append(c.what()).append(' ')
                    .append(org.mtrrledger.projections.query.Hex.of(c.oldValue())).append("->")
                    .append(org.mtrrledger.projections.query.Hex.of(c.newValue()));
        }
        return b.toString();
    }
}
