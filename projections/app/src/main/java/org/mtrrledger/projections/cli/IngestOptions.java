package org.mtrrledger.projections.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
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

    /** Fails, before anything is published, on the first file that ingest cannot read, saying what it is instead. */
    void checkFiles() {
        files.forEach(IngestOptions::checkFile);
    }

    /**
     * Ingest reads each file twice (its SHA-256 first, to publish a file once, then its lines), so it takes regular
     * files only: a directory, a FIFO or a device (/dev/null) is named as what it is, and an unreadable file with
     * the reason.
     */
    static void checkFile(Path file) {
        if (Files.isRegularFile(file)) {
            // Opening it is the check: permissions, and files that exist but cannot be opened.
            try (InputStream in = Files.newInputStream(file)) {
                in.available();
                return;
            } catch (IOException e) {
                throw new CliFailure(file + ": cannot read it: " + reason(e), e);
            }
        }
        if (Files.isDirectory(file)) {
            throw new CliFailure(file + ": is a directory, expected a log file");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new CliFailure(file + ": no such file");
        }
        if (!Files.exists(file)) {
            throw new CliFailure(file + ": is a symbolic link to a file that does not exist");
        }
        throw new CliFailure(file + ": is " + kind(file) + ", not a regular file (ingest reads a file twice: once "
                + "for its SHA-256, then its lines)");
    }

    private static String kind(Path file) {
        try {
            return switch ((Integer) Files.getAttribute(file, "unix:mode") & 0170000) {
                case 0010000 -> "a FIFO (named pipe)";
                case 0020000 -> "a character device";
                case 0060000 -> "a block device";
                case 0140000 -> "a socket";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    /** Why an I/O operation failed, in words (the JDK's messages often hold only the path). */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
