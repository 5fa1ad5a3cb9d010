package org.mtrrledger.projections.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --csv} form of a command's JSON objects (RFC 4180: CRLF line ends, fields with a comma, quote, CR or LF
 * quoted, quotes doubled). Rows are collected first because the header is the union of every row's columns (events
 * of different types have different fields). Nested objects become dotted columns, lists their JSON text, null an
 * empty field; a {@code ranges} list of objects (a memtype snapshot) becomes one row per range.
 */
final class CsvOut extends PrintStream {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String EXPLODED = "ranges";

    private final PrintStream target;
    private final List<Map<String, String>> rows = new ArrayList<>();

    CsvOut(PrintStream target) {
        super(OutputStream.nullOutputStream());
        this.target = target;
    }

    void add(Map<String, Object> obj) {
        Map<String, String> row = new LinkedHashMap<>();
        Object nested = obj.get(EXPLODED);
        if (nested instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
            for (Object element : list) {
                Map<String, String> r = new LinkedHashMap<>();
                obj.forEach((k, v) -> {
                    if (k.equals(EXPLODED)) {
                        flatten(k, element, r);
                    } else {
                        flatten(k, v, r);
                    }
                });
                rows.add(r);
            }
            return;
        }
        obj.forEach((k, v) -> flatten(k, v, row));
        rows.add(row);
    }

    private static void flatten(String name, Object v, Map<String, String> row) {
        if (v instanceof Map<?, ?> m) {
            m.forEach((k, x) -> flatten(name + "." + k, x, row));
        } else if (v instanceof List<?>) {
            try {
                row.put(name, MAPPER.writeValueAsString(v));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        } else {
            row.put(name, v == null ? "" : v.toString());
        }
    }

    /** Writes the header and the rows to the target (nothing at all when the command found no rows). */
    void finish() {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(r -> columns.addAll(r.keySet()));
        // Printed in chunks: the target flushes on every line break it is given.
        StringBuilder b = new StringBuilder();
        if (!columns.isEmpty()) {
            line(columns, b);
        }
        for (Map<String, String> r : rows) {
            List<String> cells = new ArrayList<>(columns.size());
            columns.forEach(c -> cells.add(r.getOrDefault(c, "")));
            line(cells, b);
            if (b.length() > 1 << 16) {
                target.print(b);
                b.setLength(0);
            }
        }
        target.print(b);
        target.flush();
    }

    private static void line(Iterable<String> cells, StringBuilder b) {
        boolean first = true;
        for (String c : cells) {
            b.append(first ? "" : ",").append(field(c));
            first = false;
        }
        b.append("\r\n");
    }

    static String field(String s) {
        boolean quote = s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
        return quote ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
