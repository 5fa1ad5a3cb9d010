package org.mtrrledger.events.parse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    LogFormat format();

    /** Opens {@code file}; the caller closes the returned log. The file name in positions is {@code file.toString()}. */
    default ParsedLog open(Path file, ParseOptions options) throws IOException {
        BufferedReader reader = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 16);
        return open(file.toString(), reader, options);
    }

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

    static BufferedReader buffered(Reader reader) {
        return reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
    }
}
