package org.mtrrledger.events.parse;

import java.io.Reader;

/**
 * Parses JSON Lines audit logs: one JSON object per line, one event per object. Blank lines and lines starting with
 * {@code #} are skipped. Validation happens at parse time: unknown {@code type}/{@code op}, a missing or empty
 * {@code vm} (unless {@code --vm}), a missing {@code vcpu} where required, out-of-range numbers, unknown or
 * duplicate fields and trailing garbage are all bad lines. The grammar is in the package documentation.
 */
public final class JsonLinesParser implements LogParser {
    @Override
    public LogFormat format() {
        return LogFormat.JSONL;
    }

    @Override
    public ParsedLog open(String fileName, Reader reader, ParseOptions options) {
        return new ParsedLog(fileName, LogParser.buffered(reader),
                (name, opts, stats) -> new JsonLineDecoder(opts), options);
    }
}
