package org.mtrrledger.projections.it;

import org.mtrrledger.projections.RepoRoot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.events.kafka.TopicReader;
import org.mtrrledger.projections.api.ApiMetrics;
import org.mtrrledger.projections.api.ApiServer;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * A host trace of two QEMU processes (record-tgid ftrace, SeaBIOS, 2 vCPUs each, non-coherent DMA) through the CLI
 * against a real broker: replayed, it is two VMs, each with its own vCPUs' writes, and every event and zap shows the
 * trace timestamp of its own source line in {@code events}, {@code zaps}, {@code audit} (text and --json) and the
 * HTTP API. Without TGIDs the same host trace is refused naming both colliding lines, and --vm-map fixes it.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostTraceIntegrationTest {
    private static final Path FIXTURES = RepoRoot.resolve("events", "log", "src", "test", "resources", "host-traces")
            .toAbsolutePath().normalize();
    private static final String VM_A = "host-tgid-16850";
    private static final String VM_B = "host-tgid-17020";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    private static Path trace;
    private static List<String> traceLines;
    private static String data;

    @BeforeAll
    static void replayTheHostTrace() throws IOException {
        trace = Files.copy(FIXTURES.resolve("host-tgid.trace"), dir.resolve("host-tgid.trace"));
        traceLines = Files.readAllLines(trace, StandardCharsets.UTF_8);
        data = dir.resolve("data").toString();
        ItSupport.CliResult r = ItSupport.cliOk("replay", "--bootstrap", broker.bootstrap(), "--data", data,
                trace.toString());
        assertTrue(r.out().contains("events by VM: {" + VM_A + "=65, " + VM_B + "=65}"), r.toString());
        assertTrue(r.out().contains("vCPU threads: " + VM_A + ": CPU 0/KVM-16856 (TGID 16850) -> vCPU 0 (named)"),
                r.toString());
    }

    @Test
    void shouldFoldTwoVmsEachWithItsOwnVcpusWritesAndTheirTraceTimestamps() {
        for (String vm : List.of(VM_A, VM_B)) {
            List<JsonNode> events = jsonLines(ItSupport.cliOk("events", "--data", data, "--vm", vm, "--json"));
            assertEquals(65, events.size(), vm);
            assertEquals("dma", events.get(0).get("type").asText(), "the DMA record of " + vm + " comes first");
            Map<Integer, Integer> perVcpu = new TreeMap<>();
            for (JsonNode e : events.subList(1, events.size())) {
                perVcpu.merge(e.get("vcpu").asInt(), 1, Integer::sum);
                assertFromItsOwnLine(vm, e);
            }
            assertEquals(Map.of(0, 32, 1, 32), perVcpu, vm + ": CR0 + 31 SeaBIOS MTRR writes per vCPU");
            JsonNode first = events.get(1);
            assertEquals("cr0_write", first.get("type").asText());
            assertEquals(vm.equals(VM_A) ? "8123.401121" : "8123.401151", first.get("ts").asText());
        }
        String text = ItSupport.cliOk("events", "--data", data, "--vm", VM_A).out();
        assertTrue(text.contains(" ts ") && text.contains(" 8123.401121 "), text);
    }

    @Test
    void shouldShowEachZapsTriggerTimestampInTextJsonAuditAndTheApi() throws IOException {
        List<JsonNode> zaps = jsonLines(ItSupport.cliOk("zaps", "--data", data, "--vm", VM_B, "--policy", "v6.4",
                "--json"));
        assertEquals(4, zaps.size(), "v6.4 zaps all at SeaBIOS's two DEF_TYPE writes on each vCPU: " + zaps);
        for (JsonNode z : zaps) {
            assertFromItsOwnLine(VM_B, z.get("trigger"));
            assertEquals("0x2ff", z.get("trigger").get("msr").asText());
        }
        String ts = zaps.get(0).get("trigger").get("ts").asText();
        long offset = zaps.get(0).get("trigger").get("offset").asLong();
        String text = ItSupport.cliOk("zaps", "--data", data, "--vm", VM_B, "--policy", "v6.4").out();
        assertTrue(text.contains(" " + ts + " "), text);
        String audit = ItSupport.cliOk("audit", "--data", data, "--vm", VM_B, "--offset", Long.toString(offset))
                .out();
        assertTrue(audit.contains("ts: " + ts), audit);
        JsonNode auditJson = jsonLines(ItSupport.cliOk("audit", "--data", data, "--vm", VM_B, "--offset",
                Long.toString(offset), "--json")).get(0);
        assertEquals(ts, auditJson.get("ts").asText());

        try (LedgerStore store = LedgerStore.open(Path.of(data, "store"), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
                ApiServer api = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(),
                        java.util.Optional::empty)) {
            String base = "http://127.0.0.1:" + api.port() + "/api/vms/" + VM_B;
            assertEquals(zaps.get(0), get(base + "/zaps?policy=v6.4").get("items").get(0));
            assertEquals(ts, get(base + "/events/" + offset).get("ts").asText());
            JsonNode items = get(base + "/events?limit=1000").get("items");
            assertEquals(65, items.size());
            items.forEach(e -> assertFalse(e.get("type").asText().endsWith("write") && e.get("ts").isNull(), e
                    .toString()));
        }
    }

    @Test
    void shouldRefuseTheHostTraceWithoutTgidsNamingBothLinesAndIngestItWithVmMap() throws IOException {
        String topic = "host.no-tgid";
        Path noTgid = Files.copy(FIXTURES.resolve("host-5flags.trace"), dir.resolve("host-5flags.trace"));
        ItSupport.CliResult refused = ingest(topic, "--skip-bad", noTgid.toString());
        assertEquals(1, refused.exitCode(), refused.toString());
        List<String> lines = Files.readAllLines(noTgid, StandardCharsets.UTF_8);
        String first = noTgid + ":" + (indexOf(lines, "CPU 0/KVM-16856") + 1);
        String second = noTgid + ":" + (indexOf(lines, "CPU 0/KVM-17031") + 1);
        assertTrue(refused.err().contains("mtrr ingest: " + second + ": vCPU thread 'CPU 0/KVM' of VM 'host-5flags' "
                + "appears under thread id 16856 at " + first + " and under thread id 17031 at " + second),
                refused.toString());
        assertTrue(refused.err().contains("nothing of " + noTgid + " was published"), refused.toString());
        assertTrue(TopicReader.readAll(broker.bootstrap(), topic).isEmpty());

        ItSupport.CliResult mapped = ingest(topic, "--vm-map", "16856=q35", "--vm-map", "16857=q35", "--vm-map",
                "17031=pc", "--vm-map", "17032=pc", noTgid.toString());
        assertEquals(0, mapped.exitCode(), mapped.toString());
        assertTrue(mapped.out().contains("events by VM: {pc=64, q35=64}"), mapped.toString());

        Path withMainThread = dir.resolve("main-thread.trace");
        Files.writeString(withMainThread, String.join("\n",
                " qemu-system-x86-16850   (  16850) [001] .......  8123.400001: kvm_msr: msr_write 2ff = 0x0",
                "       CPU 0/KVM-16856   (  16850) [007] .......  8123.401121: kvm_cr: cr_write 0 = 0x11", ""));
        ItSupport.CliResult main = ingest("host.main-thread", withMainThread.toString());
        assertEquals(0, main.exitCode(), main.toString());
        assertTrue(main.out().contains("events by VM: {main-thread-16850=1}"), main.toString());
        assertTrue(main.out().contains("not vCPU threads (1 write(s) skipped, not folded): main-thread-16850: "
                + "qemu-system-x86-16850 (TGID 16850) -> not a vCPU thread: main thread of its process, first at "
                + withMainThread + ":1"), main.toString());

        ItSupport.CliResult oneVm = ingest("host.one-vm", "--vm", "one", trace.toString());
        assertEquals(1, oneVm.exitCode(), oneVm.toString());
        assertTrue(oneVm.err().contains("--vm one names one VM, but this trace holds threads of two processes"),
                oneVm.toString());

        for (List<String> bad : List.of(List.of("--vm-map", "x=a"), List.of("--vm-map", "1=a", "--vm", "b"),
                List.of("--vm-map", "1=a", "--vm-map", "1=b"))) {
            List<String> args = new ArrayList<>(bad);
            args.add(noTgid.toString());
            ItSupport.CliResult usage = ingest("host.usage", args.toArray(String[]::new));
            assertEquals(2, usage.exitCode(), usage.toString());
            assertTrue(usage.err().contains("mtrr ingest: --vm-map"), usage.toString());
        }
    }

    /** The event's source line is in the trace, belongs to the event's VM's process and prints the event's ts. */
    private static void assertFromItsOwnLine(String vm, JsonNode e) {
        String source = e.get("source").asText();
        assertTrue(source.startsWith(trace + ":"), e.toString());
        String line = traceLines.get(Integer.parseInt(source.substring(source.lastIndexOf(':') + 1)) - 1);
        assertTrue(line.contains("(  " + vm.substring(vm.lastIndexOf('-') + 1) + ") "), vm + ": " + line);
        assertTrue(line.contains("CPU " + e.get("vcpu").asInt() + "/KVM-"), line);
        assertTrue(line.contains(" " + e.get("ts").asText() + ": "), e + " vs " + line);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError(text);
    }

    private static ItSupport.CliResult ingest(String topic, String... args) {
        List<String> all = new ArrayList<>(List.of("ingest", "--bootstrap", broker.bootstrap(), "--topic", topic));
        all.addAll(List.of(args));
        return ItSupport.cli(all.toArray(String[]::new));
    }

    private static List<JsonNode> jsonLines(ItSupport.CliResult r) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.out().split("\n")) {
            if (line.startsWith("{")) {
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new UncheckedIOException(line, e);
                }
            }
        }
        return out;
    }

    private static JsonNode get(String uri) throws IOException {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(uri)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), uri + " -> " + r.body());
            return JSON.readTree(r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
