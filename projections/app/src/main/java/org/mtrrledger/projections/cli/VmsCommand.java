package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.VmOverview;
import org.mtrrledger.projections.render.VmJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "vms", mixinStandardHelpOptions = true,
        description = "The VMs in the store: partition, first and last offset, vCPUs, events, source files and "
                + "first/last trace timestamp (the values --at, --from and --to take).")
final class VmsCommand extends QueryCommand {
    @Mixin
    VmSelection vms;

    @Override
    @SuppressWarnings("unchecked")
    void query(LedgerQueries q, PrintStream out) {
        TextTable t = new TextTable("vm", "partition", "first offset", "last offset", "vcpus", "events", "sources",
                "first ts", "last ts").right(1, 2, 3, 4, 5);
        for (String vm : vms.resolve(q, true)) {
            Map<String, Object> m = VmJson.overview(VmOverview.of(q, vm));
            if (output.json) {
                JsonLinesOut.print(out, m);
            } else {
                t.row(vm, m.get("partition"), m.get("first_offset"), m.get("last_offset"), m.get("vcpus"),
                        m.get("events"), String.join(",", (List<String>) m.get("sources")),
                        m.get("first_ts") == null ? "-" : m.get("first_ts"),
                        m.get("last_ts") == null ? "-" : m.get("last_ts"));
            }
        }
        if (!output.json) {
            if (t.size() == 0) {
                out.println("no VMs yet: fold some events first (`mtrr replay FILE` or `mtrr run --until-idle`)");
            } else {
                t.print(out);
            }
        }
    }
}
