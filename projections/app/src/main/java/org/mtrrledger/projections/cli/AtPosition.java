package org.mtrrledger.projections.cli;

import org.mtrrledger.projections.query.LedgerQueries;
import org.mtrrledger.projections.query.Position;
import picocli.CommandLine.Option;

/** {@code --at P}: one point of the VM's log, a {@link Position}. */
final class AtPosition {
    @Option(names = "--at", paramLabel = "POS", description = "Where in the VM's log (default: its last event): "
            + Position.FORMS + ".")
    String at;

    void validate() {
        Positions.parse("--at", at);
    }

    /** The offset in {@code vm}'s log, or null for its last event. */
    Long resolve(LedgerQueries q, String vm, boolean json) {
        return Positions.resolve(q, vm, "--at", at, json);
    }
}
