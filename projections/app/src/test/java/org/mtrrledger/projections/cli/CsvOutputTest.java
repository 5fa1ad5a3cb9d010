package org.mtrrledger.projections.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --csv} of every query command holds the rows of its {@code --json} output, as RFC 4180 CSV. */
class CsvOutputTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path data;

    private static String vm;
    private static long auditOffset;

    @BeforeAll
    static void fold() {
        CliRun.foldGeneratedBoots(data);
        List<JsonNode> events = json("events", "--all-vms");
        vm = events.get(0).get("vm").asText();
        auditOffset = events.stream().filter(e -> e.get("vm").asText().equals(vm) && e.get("type").asText()
                .equals("msr_write")).findFirst().orElseThrow().get("offset").asLong();
    }

    static Stream<String> queries() {
        return Stream.of("state --vm VM", "events --vm VM", "memtype --vm VM --vcpu 1", "diff --vm VM --from 0 --to 60",
                "zaps --all-vms", "audit --vm VM --offset AUDIT", "policies", "policies --per-vm", "divergence",
                "skipped");
    }

    @ParameterizedTest
    @MethodSource("queries")
    void shouldHoldTheRowsOfTheJsonOutput(String query) {
        String[] args = query.replace("VM", vm).replace("AUDIT", Long.toString(auditOffset)).split(" ");
        List<Map<String, String>> expected = new ArrayList<>();
        for (JsonNode n : json(args)) {
            expected.addAll(rowsOf(n));
        }
        CliRun csv = run(args, "--csv");
        assertEquals(0, csv.code(), csv.err());
        assertEquals("", csv.err(), "no progress header with --csv");
        List<List<String>> parsed = parse(csv.out());
        assertFalse(expected.isEmpty(), query + " should have rows on the generated boots");
        List<String> header = parsed.get(0);
        assertEquals(expected.size(), parsed.size() - 1, query + ": one CSV row per JSON row");
        for (int i = 0; i < expected.size(); i++) {
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                String cell = parsed.get(i + 1).get(c);
                if (!cell.isEmpty() || expected.get(i).containsKey(header.get(c))) {
                    row.put(header.get(c), cell);
                }
            }
            Map<String, String> want = new LinkedHashMap<>(expected.get(i));
            want.values().removeIf(String::isEmpty);
            row.values().removeIf(String::isEmpty);
            assertEquals(want, row, query + " row " + i);
        }
        assertTrue(csv.out().endsWith("\r\n"), "RFC 4180 line ends");
    }

    @Test
    void shouldQuoteCommasQuotesAndLineBreaks() {
        List<List<String>> rows = parse(run(new String[] {"skipped"}, "--csv").out());
        int key = rows.get(0).indexOf("key");
        assertEquals(CliRun.POISON_KEY, rows.get(1).get(key));
    }

    @Test
    void shouldGiveAsManyZapRowsAsTheTextTable() {
        int text = CliRun.of("zaps", "--data", data.toString(), "--all-vms").out().strip().split("\n").length - 1;
        assertEquals(text, parse(run(new String[] {"zaps", "--all-vms"}, "--csv").out()).size() - 1);
    }

    @Test
    void shouldRefuseCsvWithJsonAsAUsageError() {
        CliRun r = run(new String[] {"zaps", "--all-vms", "--json"}, "--csv");
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("mtrr zaps: --csv and --json exclude each other"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }

    private static CliRun run(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--data", data.toString()));
        all.addAll(List.of(more));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static List<JsonNode> json(String... args) {
        CliRun r = run(args, "--json");
        assertEquals(0, r.code(), r.err());
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (!line.isBlank()) {
                try {
                    out.add(MAPPER.readTree(line));
                } catch (java.io.IOException e) {
                    throw new AssertionError(line, e);
                }
            }
        }
        return out;
    }

    /** The spec of a row: nested objects as dotted columns, lists as JSON text, a snapshot one row per range. */
    private static List<Map<String, String>> rowsOf(JsonNode n) {
        List<Map<String, String>> rows = new ArrayList<>();
        JsonNode ranges = n.get("ranges");
        for (int i = 0; i < (ranges != null && ranges.isArray() ? ranges.size() : 1); i++) {
            Map<String, String> row = new LinkedHashMap<>();
            int element = i;
            n.properties().forEach(f -> flatten(f.getKey(),
                    f.getKey().equals("ranges") && f.getValue().isArray() ? f.getValue().get(element) : f.getValue(),
                    row));
            rows.add(row);
        }
        return rows;
    }

    private static void flatten(String name, JsonNode v, Map<String, String> row) {
        if (v.isObject()) {
            v.properties().forEach(f -> flatten(name + "." + f.getKey(), f.getValue(), row));
        } else {
            row.put(name, v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString());
        }
    }

    /** An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; records end in CRLF. */
    static List<List<String>> parse(String csv) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                assertEquals(0, field.length(), "a quote inside an unquoted field at " + i);
                quoted = true;
            } else if (c == ',') {
                row.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < csv.length() && csv.charAt(i + 1) == '\n') {
                row.add(field.toString());
                field.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                assertFalse(c == '\n' || c == '\r', "a bare line break outside quotes at " + i);
                field.append(c);
            }
        }
        assertFalse(quoted, "unterminated quoted field");
        assertTrue(row.isEmpty() && field.length() == 0, "the last record ends in CRLF");
        int width = rows.isEmpty() ? 0 : rows.get(0).size();
        rows.forEach(r -> assertEquals(width, r.size(), "every record has the header's field count: " + r));
        return rows;
    }
}
