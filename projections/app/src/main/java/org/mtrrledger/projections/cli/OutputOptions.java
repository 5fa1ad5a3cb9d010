package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import picocli.CommandLine.Option;

/** {@code --json} (JSON Lines) or {@code --csv} (RFC 4180) on stdout instead of text tables. */
public final class OutputOptions {
    @Option(names = "--json", description = "JSON Lines output (hex strings for 64-bit values).")
    boolean json;

    @Option(names = "--csv", description = "RFC 4180 CSV with a header row: one row per --json object, nested "
            + "objects as dotted columns (trigger.offset), lists as JSON text, memtype one row per range; values "
            + "as in --json (hex strings, plain numbers).")
    boolean csv;

    /** True when the output is for a program, so no progress header goes to stderr either. */
    boolean structured() {
        return json || csv;
    }

    /**
     * Where the command writes: {@code out} itself, or for {@code --csv} a {@link CsvOut} that collects the command's
     * JSON objects (the command then runs in its {@code --json} mode) until {@link CsvOut#finish()}.
     */
    PrintStream begin(PrintStream out) {
        if (json && csv) {
            throw new Args.UsageError("--csv and --json exclude each other: choose one");
        }
        if (!csv) {
            return out;
        }
        json = true;
        return new CsvOut(out);
    }
}
