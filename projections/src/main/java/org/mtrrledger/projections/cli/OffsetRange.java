package org.mtrrledger.projections.cli;

import picocli.CommandLine.Option;

/** {@code --from O --to O}: an inclusive offset range of the VM's partition. */
final class OffsetRange {
    @Option(names = "--from", paramLabel = "OFFSET", description = "First offset (inclusive, default 0).")
    long from = 0;

    @Option(names = "--to", paramLabel = "OFFSET", description = "Last offset (inclusive, default: latest).")
    Long to;

    long to() {
        return to == null ? Long.MAX_VALUE : to;
    }
}
