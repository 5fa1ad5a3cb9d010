package org.mtrrledger.projections.it;

import org.mtrrledger.projections.RepoRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.projections.cli.CliRun;

/**
 * ingest → engine → projections through the CLI, the same code against each {@link BrokerFixture}: the embedded
 * broker everywhere, a Testcontainers Apache Kafka where Docker is available (skipped elsewhere).
 */
class PipelineIntegrationTest {
    private static final Path SAMPLE = RepoRoot.resolve("samples", "ovmf-linux-4vcpu-dma.jsonl")
            .normalize();
    private static final String VM = "ovmf-linux-4vcpu-0";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Result(int code, String out, String err) {
        List<JsonNode> jsonLines() throws IOException {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (!line.isBlank()) {
                    nodes.add(JSON.readTree(line));
                }
            }
            return nodes;
        }
    }

    /** `mtrr ARGS` in this JVM with System.out/err captured, and an empty environment (no MTRR_* leaks in). */
    private static Result mtrr(String... args) {
        CliRun r = CliRun.of(args);
        return new Result(r.code(), r.out(), r.err());
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldIngestFoldAndAnswerForTheOvmfSampleOnTheEmbeddedBroker(@TempDir Path tmp) throws Exception {
        ingestFoldAndAnswerTheOvmfSample(BrokerFixture.EMBEDDED, tmp);
    }

    /** Needs Docker: selected where the root pom's {@code docker} profile is active (a Docker socket exists). */
    @Test
    @Tag("docker")
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void shouldIngestFoldAndAnswerForTheOvmfSampleOnTheKafkaImage(@TempDir Path tmp) throws Exception {
        ingestFoldAndAnswerTheOvmfSample(BrokerFixture.TESTCONTAINERS, tmp);
    }

    private static void ingestFoldAndAnswerTheOvmfSample(BrokerFixture fixture, Path tmp) throws Exception {
        long events = Files.readAllLines(SAMPLE).stream().filter(l -> !l.isBlank()).count();
        try (BrokerFixture.Running broker = fixture.start(tmp.resolve("broker"))) {
            String bs = broker.bootstrap();
            String data = tmp.resolve("data").toString();

            Result ingest = mtrr("ingest", "--bootstrap", bs, "--data", data, SAMPLE.toString());
            assertEquals(0, ingest.code(), ingest.err());
            assertTrue(ingest.out().contains("published " + events + " events to mtrr.events"), ingest.out());

            Result run = mtrr("run", "--until-idle", "--bootstrap", bs, "--data", data);
            assertEquals(0, run.code(), run.err());
            assertTrue(run.out().startsWith("folded " + events + " events (0 rejected"), run.out());

            Result memtype = mtrr("memtype", "--data", data, "--vm", VM, "--vcpu", "0", "--json");
            assertEquals(0, memtype.code(), memtype.err());
            List<JsonNode> maps = memtype.jsonLines();
            assertEquals(1, maps.size(), memtype.out());
            JsonNode map = maps.get(0);
            assertEquals(VM, map.get("vm").asText());
            assertEquals(events - 1, map.get("offset").asLong(), "all of the VM's events are folded");
            List<String> ranges = new ArrayList<>();
            for (JsonNode r : map.get("ranges")) {
                ranges.add(r.get("start_gfn").asText() + "-" + r.get("end_gfn").asText() + " "
                        + r.get("memtype").asText() + "/" + r.get("ept_memtype").asText() + " ipat="
                        + r.get("ipat").asBoolean() + (r.get("beyond_maxphyaddr").asBoolean() ? " beyond" : ""));
            }
            // README's `mtrr memtype --vm ovmf-linux-4vcpu-0 --vcpu 0`: OVMF's final MTRR layout, its 64-bit PCI
            // aperture (the top eighth of 46 bits) UC, then the GFNs beyond MAXPHYADDR up to 2^52, default type WB
            assertEquals(List.of("0x0-0xa0 WB/WB ipat=false", "0xa0-0x100 UC/UC ipat=false",
                    "0x100-0x80000 WB/WB ipat=false", "0x80000-0x100000 UC/UC ipat=false",
                    "0x100000-0x380000000 WB/WB ipat=false", "0x380000000-0x400000000 UC/UC ipat=false",
                    "0x400000000-0x10000000000000 WB/WB ipat=false beyond"), ranges);

            Result zaps = mtrr("zaps", "--data", data, "--vm", VM, "--policy", "sean-cd-nonwb", "--json");
            assertEquals(0, zaps.code(), zaps.err());
            List<JsonNode> calls = zaps.jsonLines();
            assertFalse(calls.isEmpty(), zaps.out());
            calls.forEach(z -> assertEquals("sean-cd-nonwb", z.get("policy").asText()));
            long previous = -1;
            JsonNode cdClear = null;
            for (JsonNode z : calls) {
                JsonNode t = z.get("trigger");
                assertEquals("mtrr.events", t.get("topic").asText());
                long offset = t.get("offset").asLong();
                assertTrue(offset >= previous, "zaps in log order: " + zaps.out());
                previous = offset;
                // one VM, one file, one partition: offset N is line N+1 of the sample
                assertTrue(t.get("source").asText().endsWith("ovmf-linux-4vcpu-dma.jsonl:" + (offset + 1)),
                        t.toString());
                if (offset == 50) {
                    cdClear = t;
                }
            }
            // line 51: vCPU 0's first MtrrSetAllMtrrs ends by clearing CR0.CD (0xc0000033 -> 0x80000033; the
            // ResetVector kept CD set), which this policy zaps for
            assertTrue(cdClear != null, zaps.out());
            assertEquals("cr0_write", cdClear.get("type").asText());
            assertEquals("clear", cdClear.get("cd").asText());

            Result again = mtrr("ingest", "--bootstrap", bs, "--data", data, SAMPLE.toString());
            assertEquals(0, again.code(), again.err());
            assertTrue(again.out().contains("published 0 events to mtrr.events (1 file(s) already ingested)"),
                    again.out());
        }
    }
}
