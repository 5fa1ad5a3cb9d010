package org.mtrrledger.projections.cli;

import picocli.CommandLine.Option;

/** {@code --json}: JSON Lines on stdout instead of text tables. */
public final class OutputOptions {
    @Option(names = "--json", description = "JSON Lines output (hex strings for 64-bit values).")
    boolean json;
}
