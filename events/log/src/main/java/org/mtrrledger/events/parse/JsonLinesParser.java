package org.mtrrledger.events.parse;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Path;

/**
 * Parses JSON Lines audit logs: one JSON object per line, one event per object. Blank lines and lines starting with
 * {@code #} are skipped. Validation happens at parse time: unknown {@code type}/{@code op}, a missing or empty
 * {@code vm} (unless {@code --vm}), a missing {@code vcpu} where required, out-of-range numbers, unknown or
 * duplicate fields and trailing garbage are all bad lines, and so is a line that is not valid UTF-8 (a JSON string
 * must not be published with its bytes silently replaced). The grammar is in the package documentation.
 */
public final class JsonLinesParser implements LogParser {
    /**
     * What a file opened by {@link #open(Path, ParseOptions)} reads for each malformed UTF-8 sequence: an unpaired
     * low surrogate, which decoding valid UTF-8 never yields (U+FFFD, the usual replacement, may be in the file).
     */
    static final char MALFORMED = '\uDFFF';

    @Override
    public ParsedLog open(Path file, ParseOptions options) throws IOException {
        return new ParsedLog(file.toString(), ParsedLog.Lines.of(file, String.valueOf(MALFORMED)),
                JsonLinesParser::decoder, options);
    }

    /** Index of the first malformed sequence in a line read by {@link #open(Path, ParseOptions)}, or -1. */
    static int malformedAt(String line) {
        for (int i = line.indexOf(MALFORMED); i >= 0; i = line.indexOf(MALFORMED, i + 1)) {
            if (i == 0 || !Character.isHighSurrogate(line.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }
    @Override
    public LogFormat format() {
        return LogFormat.JSONL;
    }

    @Override
    public ParsedLog open(String fileName, Reader reader, ParseOptions options) {
        return new ParsedLog(fileName, ParsedLog.Lines.of(reader), JsonLinesParser::decoder, options);
    }

    private static LineDecoder decoder(String fileName, ParseOptions options, ParseStats stats) {
        JsonLineDecoder json = new JsonLineDecoder(options);
        return line -> {
            int malformed = malformedAt(line);
            if (malformed < 0 || line.stripLeading().startsWith("#")) {
                return json.decode(line);
            }
            return new LineResult.Reject("invalid UTF-8 at character " + (malformed + 1)
                    + " (shown as \\udfff), expected UTF-8 text");
        };
    }
}
