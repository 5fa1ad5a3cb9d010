package org.mtrrledger.projections.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.mtrrledger.events.parse.EventRules;
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

    @Option(names = "--vm-map", paramLabel = "PID=NAME", description = "Host traces: the lines of this thread id or "
            + "process (TGID) belong to VM NAME (repeatable; default: each TGID its own VM <file stem>-<TGID>).")
    List<String> vmMap;

    @Option(names = "--skip-bad", description = "Publish the good lines and write every rejected line with its reason "
            + "to a report file, instead of failing on the first bad line.")
    boolean skipBad;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Where --skip-bad writes rejected lines (default: FILE.rejected next to each input).")
    Path report;

    /** {@code --vm-map} as thread-or-process id to VM name; a malformed entry is a usage error. */
    Map<Long, String> vmMap() {
        Map<Long, String> out = new HashMap<>();
        if (vmMap == null) {
            return out;
        }
        if (vm != null) {
            throw new Args.UsageError("--vm-map: not with --vm (--vm names the one VM of a file, --vm-map the VMs of "
                    + "a host trace)");
        }
        for (String entry : vmMap) {
            int eq = entry.indexOf('=');
            String pid = eq < 0 ? "" : entry.substring(0, eq);
            if (pid.isEmpty() || pid.length() > 10 || !pid.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new Args.UsageError("--vm-map: '" + entry + "', expected PID=NAME with PID a decimal thread or "
                        + "process id");
            }
            String name = entry.substring(eq + 1);
            EventRules.vmIdViolation(name).ifPresent(v -> {
                throw new Args.UsageError("--vm-map " + entry + ": " + v);
            });
            String was = out.put(Long.parseLong(pid), name);
            if (was != null && !was.equals(name)) {
                throw new Args.UsageError("--vm-map: pid " + pid + " mapped to both '" + was + "' and '" + name + "'");
            }
        }
        return out;
    }
}
