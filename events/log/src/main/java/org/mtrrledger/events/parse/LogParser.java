package org.mtrrledger.events.parse;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * Streams {@link org.mtrrledger.events.avro.MtrrEvent}s out of an audit-log file, lazily. Every event carries
 * {@code source = FilePosition(file name as given, 1-based line)}.
 *
 * <p>Input is decoded as UTF-8 with malformed bytes replaced, so binary garbage becomes a bad line rather than an I/O
 * error; {@link JsonLinesParser} rejects a line that had any, trace text reads them as U+FFFD (a comm name may hold
 * any bytes).
 */
public interface LogParser {
    /**
     * The longest line either format reads, in bytes of UTF-8 without the line end: 1 MiB. A longer line is a bad
     * line like any other ({@code file:line: line of N bytes exceeds the limit ...}: fatal under
     * {@link BadLinePolicy#FAIL}, counted and reported under {@link BadLinePolicy#SKIP}), and a file is read past it
     * without keeping it, so no input makes the parser hold more than about this much of a line. Why 1 MiB: an event
     * line of either format is under 300 bytes, and the longest valid one without padding is a few KiB (a JSON line
     * whose 255-byte VM id, device name and keys have every character written as a six-character unicode escape);
     * the limit leaves ample room for whatever another producer pads a valid line with (JSON allows whitespace
     * between tokens) while a binary file or a runaway line is refused at the cost of one 1 MiB buffer. Trace text
     * has a tighter rule of its own, 4096 characters ({@code FtraceLineDecoder.MAX_LINE}), checked after this one.
     */
    int MAX_LINE_BYTES = 1 << 20;

    LogFormat format();

    /** Opens {@code file}; the caller closes the returned log. The file name in positions is {@code file.toString()}. */
    ParsedLog open(Path file, ParseOptions options) throws IOException;

    /** Parses an already open reader; {@code fileName} is used for positions, messages and (ftrace) the default VM. */
    ParsedLog open(String fileName, Reader reader, ParseOptions options);

    static LogParser forFormat(LogFormat format) {
        return switch (format) {
            case FTRACE -> new FtraceParser();
            case JSONL -> new JsonLinesParser();
        };
    }

    /** {@code --format auto}: detects the format with {@link LogFormat#detect(Path)}, then opens the file. */
    static ParsedLog openAuto(Path file, ParseOptions options) throws IOException {
        return forFormat(LogFormat.detect(file)).open(file, options);
    }
}
