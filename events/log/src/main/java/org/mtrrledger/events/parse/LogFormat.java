package org.mtrrledger.events.parse;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The two audit-log text formats mtrr-ledger ingests and writes.
 *
 * <p>{@link #detect(Path)} implements {@code --format auto}: the first line that is neither blank nor a
 * {@code #} comment decides. JSON Lines records always start with {@code '{'}; kernel trace text never does
 * (it starts with a comm name, {@code <...>}, or trace-cmd's {@code cpus=} header).
 */
public enum LogFormat {
    /** kvm:kvm_msr / kvm:kvm_cr trace text (ftrace, trace-cmd report, perf script) plus {@code # mtrr:} records. */
    FTRACE,
    /** One JSON object per line, see {@link JsonLinesParser}. */
    JSONL;

    /** U+FEFF, the byte order mark some editors put at the start of a UTF-8 file. */
    static final char BOM = '\uFEFF';

    /**
     * Detects the format from the first significant line. An empty or comment-only file is {@link #FTRACE}
     * (both parsers yield no events for it, and ftrace is the format whose comments carry meaning).
     */
    public static LogFormat detect(Path file) throws IOException {
        try (ParsedLog.Lines in = ParsedLog.Lines.of(file, "\uFFFD")) {
            return detect(in);
        }
    }

    /** Same as {@link #detect(Path)} on an already opened reader; consumes lines from it. */
    public static LogFormat detect(BufferedReader in) throws IOException {
        return detect(ParsedLog.Lines.of(in));
    }

    /** A line over {@link LogParser#MAX_LINE_BYTES} is judged by its start, as the parsers show it. */
    private static LogFormat detect(ParsedLog.Lines in) throws IOException {
        boolean first = true;
        while (true) {
            String line;
            try {
                line = in.readLine();
            } catch (ParsedLog.LineTooLong e) {
                line = e.shown;
            }
            if (line == null) {
                return FTRACE;
            }
            String trimmed = (first ? withoutBom(line) : line).strip();
            first = false;
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            return trimmed.startsWith("{") ? JSONL : FTRACE;
        }
    }

    /** The first line of a file without its byte order mark, if it has one (null stays null). */
    static String withoutBom(String firstLine) {
        return firstLine != null && !firstLine.isEmpty() && firstLine.charAt(0) == BOM ? firstLine.substring(1)
                : firstLine;
    }

    /** Parses a CLI spelling ({@code ftrace}, {@code jsonl}); {@code auto} is handled by the caller. */
    public static LogFormat fromName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ftrace", "trace" -> FTRACE;
            case "jsonl", "json" -> JSONL;
            default -> throw new IllegalArgumentException("unknown log format '" + name + "', expected ftrace or jsonl");
        };
    }
}
