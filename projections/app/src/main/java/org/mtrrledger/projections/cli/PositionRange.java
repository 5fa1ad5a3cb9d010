package org.mtrrledger.projections.cli;

import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.Position;
import picocli.CommandLine.Option;

/** {@code --from P --to P}: an inclusive range of the VM's log, each end a {@link Position}. */
final class PositionRange {
    @Option(names = "--from", paramLabel = "POS", description = "First event (inclusive; default: the VM's first): "
            + Position.FORMS + ".")
    String from;

    @Option(names = "--to", paramLabel = "POS", description = "Last event (inclusive; default: the VM's last): "
            + Position.FORMS + ".")
    String to;

    void validate() {
        Positions.checkRange("--from", from, "--to", to);
    }

    /** [from, to] as offsets of {@code vm}'s partition. */
    long[] resolve(LedgerQueries q, String vm, boolean json) {
        return Positions.range(q, vm, "--from", from, "--to", to, json);
    }
}
