package org.mtrrledger.projections.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mtrr export --perfetto} writes trace-event JSON that holds every zap of every policy. */
class PerfettoExportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path data;

    private static JsonNode trace;

    @BeforeAll
    static void export() throws IOException {
        CliRun.foldGeneratedBoots(data);
        Path file = data.resolve("boot.trace.json");
        CliRun r = CliRun.of("export", "--data", data.toString(), "--all-vms", "--perfetto", file.toString());
        assertEquals(0, r.code(), r.err());
        trace = MAPPER.readTree(file.toFile());
    }

    @Test
    void shouldMatchTheTraceEventSchema() throws IOException {
        try (InputStream s = PerfettoExportTest.class.getResourceAsStream("/perfetto/trace-events.schema.json")) {
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12).getSchema(s);
            List<Error> errors = schema.validate(trace);
            assertTrue(errors.isEmpty(), errors.toString());
        }
    }

    @Test
    void shouldPutEveryZapOfAPolicyOnThatPolicysTrack() {
        Map<String, String> processes = names("process_name");
        Map<String, String> threads = names("thread_name");
        Map<String, Integer> exported = new TreeMap<>();
        for (JsonNode e : trace.get("traceEvents")) {
            if (e.path("cat").asText().equals("zap")) {
                String track = threads.get(e.get("pid") + "/" + e.get("tid"));
                String vm = processes.get(e.get("pid") + "/0").substring("VM ".length());
                assertEquals(vm, e.get("args").get("vm").asText());
                assertEquals("policy " + e.get("args").get("policy").asText(), track);
                exported.merge(vm + " " + e.get("args").get("policy").asText(), 1, Integer::sum);
            }
        }
        Map<String, Integer> queried = new TreeMap<>();
        CliRun zaps = CliRun.of("zaps", "--data", data.toString(), "--all-vms", "--json");
        for (String line : zaps.out().strip().split("\n")) {
            JsonNode z = read(line);
            queried.merge(z.get("vm").asText() + " " + z.get("policy").asText(), 1, Integer::sum);
        }
        assertEquals(3, processes.size(), "one process per VM");
        assertTrue(queried.size() > 8, "zaps under several policies in both VMs: " + queried);
        assertEquals(queried, exported);
    }

    @Test
    void shouldTrackCr0CdAndMtrrChangesPerVcpuAtTheTraceTimestamps() {
        Map<String, String> threads = names("thread_name");
        int cd = 0;
        int mtrr = 0;
        int timed = 0;
        for (JsonNode e : trace.get("traceEvents")) {
            if (e.get("name").asText().startsWith("CR0.CD vCPU ")) {
                cd++;
            } else if (e.path("cat").asText().equals("memtype")) {
                mtrr++;
                JsonNode ev = e.get("args");
                assertEquals("vCPU " + ev.get("vcpu").asInt(), threads.get(e.get("pid") + "/" + e.get("tid")));
                if (ev.get("ts").isNull()) {
                    // vm-hole's events carry no timestamp and none precedes them: their offset orders them.
                    assertEquals(ev.get("offset").asDouble(), e.get("ts").asDouble());
                } else {
                    double us = Double.parseDouble(ev.get("ts").asText()) * 1e6;
                    assertEquals(us, e.get("ts").asDouble(), 1.0, "microseconds of the event's timestamp");
                    timed++;
                }
            }
        }
        assertTrue(cd >= 4, "CD set at RESET and cleared once per vCPU, 2 vCPUs in each generated VM: " + cd);
        assertTrue(timed > 0 && timed < mtrr, "generated boots have timestamps, vm-hole has none: " + timed);
    }

    @Test
    void shouldRefuseAnUnknownVmBeforeWritingTheFile() {
        Path file = data.resolve("none.json");
        CliRun r = CliRun.of("export", "--data", data.toString(), "--vm", "nope", "--perfetto", file.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unknown VM 'nope'"), r.err());
        assertTrue(Files.notExists(file));
    }

    @Test
    void shouldRefuseToBeforeFromAsAUsageError() {
        Path file = data.resolve("backwards.json");
        CliRun r = CliRun.of("export", "--data", data.toString(), "--from", "9", "--to", "3", "--perfetto",
                file.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("mtrr export: --from 9 is after --to 3"), r.err());
        assertTrue(Files.notExists(file));
    }

    @Test
    void shouldExportOnlyTheZapsTriggeredInsideTheOffsetRange() throws IOException {
        Path file = data.resolve("range.json");
        assertEquals(0, CliRun.of("export", "--data", data.toString(), "--from", "100", "--to", "199", "--perfetto",
                file.toString()).code());
        int zaps = 0;
        for (JsonNode e : MAPPER.readTree(file.toFile()).get("traceEvents")) {
            if (e.path("cat").asText().equals("zap")) {
                long offset = e.get("args").get("trigger").get("offset").asLong();
                assertTrue(offset >= 100 && offset <= 199, "trigger offset " + offset);
                zaps++;
            }
        }
        assertTrue(zaps > 0, "the range holds zaps");
        CliRun q = CliRun.of("zaps", "--data", data.toString(), "--all-vms", "--from", "100", "--to", "199", "--json");
        assertEquals(q.out().strip().split("\n").length, zaps);
    }

    /** "pid/tid" of each metadata record of this kind to its name. */
    private static Map<String, String> names(String kind) {
        Map<String, String> out = new HashMap<>();
        for (JsonNode e : trace.get("traceEvents")) {
            if (e.get("ph").asText().equals("M") && e.get("name").asText().equals(kind)) {
                out.put(e.get("pid") + "/" + e.get("tid"), e.get("args").get("name").asText());
            }
        }
        return out;
    }

    private static JsonNode read(String line) {
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new AssertionError(line, e);
        }
    }
}
