package org.mtrrledger.projections.cli;

import java.util.List;
import org.mtrrledger.projections.query.LedgerQueries;
import picocli.CommandLine.Option;

/** {@code --vm ID...} or {@code --all-vms}. */
public final class VmSelection {
    @Option(names = "--vm", paramLabel = "ID", split = ",", description = "VM id (repeatable, or comma-separated).")
    List<String> vms;

    @Option(names = "--all-vms", description = "Every VM in the store.")
    boolean all;

    List<String> resolve(LedgerQueries q, boolean defaultAll) {
        if (all || ((vms == null || vms.isEmpty()) && defaultAll)) {
            return q.vms();
        }
        if (vms == null || vms.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "name a VM with --vm ID, or use --all-vms");
        }
        for (String v : vms) {
            q.latest(v);
        }
        return vms;
    }
}
