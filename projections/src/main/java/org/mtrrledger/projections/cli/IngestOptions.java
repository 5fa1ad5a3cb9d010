package org.mtrrledger.projections.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The files to ingest and how to read them. */
public final class IngestOptions {
    @Parameters(paramLabel = "FILE", arity = "1..*", description = "Trace (ftrace/trace-cmd/perf script) or JSON Lines files.")
    List<Path> files;

    @Option(names = "--format", defaultValue = "auto", paramLabel = "FMT", description = "auto (default), ftrace or jsonl.")
    String format;

    @Option(names = "--vm", paramLabel = "ID",
            description = "VM id for every event (default: the file's \"vm\" fields, or for traces the file name).")
    String vm;

    @Option(names = "--skip-bad", description = "Publish the good lines and write every rejected line with its reason "
            + "to a report file, instead of failing on the first bad line.")
    boolean skipBad;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Where --skip-bad writes rejected lines (default: FILE.rejected next to each input).")
    Path report;
}
