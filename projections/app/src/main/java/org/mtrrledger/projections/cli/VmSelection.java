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

    /** A command that needs a VM fails before it opens the store when none is named. */
    void check(boolean defaultAll) {
        if (!all && (vms == null || vms.isEmpty()) && !defaultAll) {
            throw new Args.UsageError("name a VM with --vm ID, or use --all-vms (mtrr vms lists them)");
        }
    }

    List<String> resolve(LedgerQueries q, boolean defaultAll) {
        check(defaultAll);
        if (all || ((vms == null || vms.isEmpty()) && defaultAll)) {
            return q.vms();
        }
        for (String v : vms) {
            q.requireVm(v);
        }
        return vms;
    }
}
