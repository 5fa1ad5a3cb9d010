package org.mtrrledger.projections.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** One JSON object per line; to a {@link CsvOut} (the {@code --csv} option), one row. */
final class JsonLinesOut {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonLinesOut() {
    }

    static void print(PrintStream out, Map<String, Object> obj) {
        if (out instanceof CsvOut csv) {
            csv.add(obj);
            return;
        }
        try {
            out.println(MAPPER.writeValueAsString(obj));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
