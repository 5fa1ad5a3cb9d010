package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.projections.api.ApiMetrics;
import org.mtrrledger.projections.api.ApiServer;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * The issue's repro end to end through the CLI: records another producer wrote straight onto the topic (a VM id of
 * 70,000 characters, vCPU 5000, a VM's event on the wrong partition) do not block the VMs around them.
 * {@code run --poison SKIP} folds everything else and {@code mtrr skipped} and {@code GET /api/skipped} list the three
 * with partition, offset and reason; {@code run --poison FAIL} exits 1 naming the first one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PoisonCliTest extends WithEmbeddedBroker {
    private static final int PARTITIONS = 4;
    private static final String OK_VM = "ok-vm";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static int home(String vm) {
        return BuiltInPartitioner.partitionForKey(vm.getBytes(StandardCharsets.UTF_8), PARTITIONS);
    }

    /** ok-vm's events with three poison records among them on its partition, and one on the next partition. */
    private static void writeStraightOntoTheTopic(String topic) {
        TopicAdmin.ensureTopic(broker.bootstrap(), topic, PARTITIONS);
        EventCodec codec = new EventCodec();
        int p = home(OK_VM);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            List<MtrrEvent> onP = List.of(Ev.create(OK_VM, 0), Ev.create("v".repeat(70_000), 0),
                    Ev.msr(OK_VM, 0, 0x2ff, 0xc06), Ev.cr0(OK_VM, 5000, 0x11), Ev.cr0(OK_VM, 0, 0x11));
            for (MtrrEvent e : onP) {
                producer.send(new ProducerRecord<>(topic, p, OK_VM.getBytes(StandardCharsets.UTF_8),
                        codec.encode(e)));
            }
            producer.send(new ProducerRecord<>(topic, (p + 1) % PARTITIONS, OK_VM.getBytes(StandardCharsets.UTF_8),
                    codec.encode(Ev.cr0(OK_VM, 1, 0x11))));
            producer.flush();
        }
    }

    @Test
    void shouldFoldAroundPoisonUnderSkipAndListIt() throws Exception {
        String topic = "poison.skip";
        writeStraightOntoTheTopic(topic);
        String data = dir.resolve("skip").toString();
        String[] common = {"--bootstrap", broker.bootstrap(), "--topic", topic, "--data", data};
        ItSupport.CliResult run = ItSupport.cliOk(concat(new String[] {"run", "--until-idle", "--poison", "SKIP"},
                common));
        assertTrue(run.out().contains("folded 3 events"), run.toString());
        assertTrue(run.out().contains("mtrr skipped"), run.toString());

        ItSupport.CliResult state = ItSupport.cliOk("state", "--vm", OK_VM, "--data", data);
        assertFalse(state.err().contains("nothing folded yet"), state.toString());

        int p = home(OK_VM);
        java.util.Map<String, String> expected = java.util.Map.of(
                p + "@1", "invalid event: vm id of 70000 bytes is longer than 255",
                p + "@3", "invalid event: vcpu 5000 outside 0..1023",
                ((p + 1) % PARTITIONS) + "@0", "VM 'ok-vm' belongs on partition " + p);
        ItSupport.CliResult listed = ItSupport.cliOk("skipped", "--data", data, "--json");
        List<JsonNode> rows = new ArrayList<>();
        for (String line : listed.out().strip().split("\n")) {
            rows.add(JSON.readTree(line));
        }
        assertEquals(3, rows.size(), listed.toString());
        for (JsonNode r : rows) {
            assertEquals(topic, r.get("topic").asText());
            String at = r.get("partition").asInt() + "@" + r.get("offset").asLong();
            assertTrue(expected.containsKey(at) && r.get("reason").asText().startsWith(expected.get(at)), r.toString());
        }
        ItSupport.CliResult table = ItSupport.cliOk("skipped", "--data", data);
        assertTrue(table.out().contains("vcpu 5000 outside 0..1023"), table.toString());

        try (LedgerStore store = LedgerStore.open(Path.of(data, "store"), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
                ApiServer server = ApiServer.start(store, new InetSocketAddress("127.0.0.1", 0), new ApiMetrics(),
                        java.util.Optional::empty)) {
            JsonNode page1 = get(server.port(), "/api/skipped?limit=2");
            assertEquals(2, page1.get("items").size(), page1.toString());
            JsonNode page2 = get(server.port(), "/api/skipped?limit=2&cursor=" + page1.get("next_cursor").asText());
            assertEquals(1, page2.get("items").size(), page2.toString());
            assertTrue(page2.get("next_cursor").isNull());
            List<JsonNode> api = new ArrayList<>();
            page1.get("items").forEach(api::add);
            page2.get("items").forEach(api::add);
            assertEquals(rows, api, "the API lists what `mtrr skipped --json` lists");
            JsonNode onlyP = get(server.port(), "/api/skipped?partition=" + p);
            assertEquals(2, onlyP.get("items").size(), onlyP.toString());
        }
    }

    @Test
    void shouldStopNamingTheFirstPoisonRecordUnderFail() {
        String topic = "poison.fail";
        writeStraightOntoTheTopic(topic);
        ItSupport.CliResult run = ItSupport.cli("run", "--until-idle", "--poison", "FAIL", "--bootstrap",
                broker.bootstrap(), "--topic", topic, "--data", dir.resolve("fail").toString());
        assertEquals(1, run.exitCode(), run.toString());
        List<String> failure = run.err().lines().filter(l -> !l.startsWith("# ")).toList();
        assertEquals(1, failure.size(), "one line besides the # header: " + run.err());
        String err = failure.get(0);
        assertTrue(err.matches("mtrr run: poison\\.fail/\\d@[01]: .*"), err);
        assertTrue(err.contains("vm id of 70000 bytes") || err.contains("belongs on partition"), err);
        assertFalse(err.contains("Exception"), err);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + " -> " + r.body());
        return JSON.readTree(r.body());
    }
}
