package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.kafka.EmbeddedBroker;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.ProgressListener;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.projections.api.ApiFixture.Reply;

/**
 * {@code mtrr serve}'s process for real: an embedded broker, the engine following the topic in the background and
 * the server on the same store. Time travel to an old offset answers the same while newer events are folded; the
 * metrics are valid Prometheus text and the folded-events counter moves; readiness follows the lag.
 */
class ApiServiceKafkaTest {
    static final String TOPIC = "mtrr.events";
    static final String VM = "ovmf-linux-4vcpu-0";

    @TempDir
    Path data;

    @Test
    void shouldAnswerOldOffsetsUnchangedWhileFoldingNewEventsAndExposeMetrics() throws Exception {
        List<MtrrEvent> log = ApiFixture.sample();
        int firstHalf = 120;
        try (EmbeddedBroker broker = EmbeddedBroker.start(data)) {
            TopicAdmin.ensureTopic(broker.bootstrap(), TOPIC, 2);
            TopicAdmin.ensureIngestLedger(broker.bootstrap(), TopicAdmin.ledgerTopicOf(TOPIC));
            try (EventPublisher pub = new EventPublisher(broker.bootstrap(), TOPIC, "tx-api-test");
                    LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.PRIMARY,
                            Durability.WAL_NO_SYNC)) {
                publish(pub, "first", log.subList(0, firstHalf));
                EngineConfig config = new EngineConfig(TOPIC, "api-test", 16, PoisonPolicy.FAIL);
                try (ApiService service = ApiService.start(broker.bootstrap(), config, store,
                        new InetSocketAddress("127.0.0.1", 0), EngineProgress.NONE)) {
                    int port = service.server().port();
                    assertEquals(200, ApiFixture.get(port, "/healthz").status());
                    await("first half folded and ready", () -> latest(port) == firstHalf - 1
                            && ApiFixture.get(port, "/readyz").status() == 200);
                    assertEquals(200, ApiFixture.get(port, "/readyz").status());

                    Map<String, Double> m1 = metrics(ApiFixture.get(port, "/metrics").body());
                    assertEquals(firstHalf, m1.get("mtrr_engine_events_folded_total"), 0.0);
                    assertEquals(0.0, m1.get("mtrr_engine_lag_records{partition=\"0\"}"), m1.keySet().toString());
                    assertEquals(0.0, m1.get("mtrr_engine_lag_records{partition=\"1\"}"), m1.keySet().toString());
                    double zaps1 = sum(m1, "mtrr_zaps_total{");

                    // the old answers, computed while the store holds only the first half
                    long old = 60;
                    JsonNode memOld = ok(port, "/api/vms/" + VM + "/memtype?at=" + old);
                    JsonNode perVmOld = ok(port, "/api/vms/" + VM + "/memtype?at=" + old + "&vcpu=per-vm");
                    JsonNode policiesOld = ok(port, "/api/vms/" + VM + "/policies?at=" + old);
                    assertEquals(4, memOld.size(), memOld.toString());

                    // more events while the engine runs; keep asking about the old offset meanwhile
                    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
                        for (int i = firstHalf; i < log.size(); i += 6) {
                            publish(pub, "second-" + i, log.subList(i, Math.min(log.size(), i + 6)));
                        }
                    });
                    int asked = 0;
                    boolean sawGrowth = false;
                    while (!second.isDone() || latest(port) < log.size() - 1) {
                        assertEquals(memOld, ok(port, "/api/vms/" + VM + "/memtype?at=" + old));
                        assertEquals(perVmOld, ok(port, "/api/vms/" + VM + "/memtype?at=" + old + "&vcpu=per-vm"));
                        assertEquals(policiesOld, ok(port, "/api/vms/" + VM + "/policies?at=" + old));
                        long l = latest(port);
                        sawGrowth |= l > firstHalf - 1 && l < log.size() - 1;
                        asked++;
                        if (asked > 2000) {
                            fail("the second half was not folded");
                        }
                    }
                    second.get();
                    assertTrue(asked > 1, "asked " + asked);
                    assertEquals(memOld, ok(port, "/api/vms/" + VM + "/memtype?at=" + old));
                    assertEquals(policiesOld, ok(port, "/api/vms/" + VM + "/policies?at=" + old));
                    // the latest state is not the old one
                    assertTrue(!ok(port, "/api/vms/" + VM + "/memtype").equals(memOld));
                    System.out.printf("asked %d times while folding; saw a partial fold: %s%n", asked, sawGrowth);

                    await("folded counter reaches the whole log", () -> metrics(
                            ApiFixture.get(port, "/metrics").body()).get("mtrr_engine_events_folded_total")
                            == log.size());
                    Map<String, Double> m2 = metrics(ApiFixture.get(port, "/metrics").body());
                    assertTrue(m2.get("mtrr_engine_events_folded_total") > m1.get("mtrr_engine_events_folded_total"));
                    assertTrue(sum(m2, "mtrr_zaps_total{") > zaps1, "zap counters move: " + zaps1);
                    assertTrue(m2.keySet().stream().anyMatch(k -> k.startsWith("mtrr_hazards_total{")), m2.keySet()
                            .toString());
                    assertTrue(m2.keySet().stream().anyMatch(k -> k.startsWith(
                            "mtrr_api_requests_seconds_bucket{")), "latency histogram");
                    assertTrue(m2.containsKey("mtrr_engine_fold_rate_events_per_second"), m2.keySet().toString());
                    assertEquals(1.0, m2.get("mtrr_engine_ready"));
                    // the zap counter of the engine equals the zaps stored for the VM
                    int stored = 0;
                    JsonNode page = ok(port, "/api/vms/" + VM + "/zaps?limit=1000");
                    stored += page.get("items").size();
                    assertTrue(page.get("next_cursor").isNull());
                    assertEquals(stored, sum(m2, "mtrr_zaps_total{"), 0.0);
                }
            }
        }
    }

    static void publish(EventPublisher pub, String label, List<MtrrEvent> events) {
        EventCodec codec = new EventCodec();
        List<KeyedRecord> records = new ArrayList<>();
        for (MtrrEvent e : events) {
            records.add(new KeyedRecord(e.getVm(), codec.encode(e)));
        }
        pub.publishFile(IngestDigest.sha256(label.getBytes(StandardCharsets.UTF_8)), label, records.iterator(),
                ProgressListener.NONE);
    }

    static JsonNode ok(int port, String path) {
        Reply r = ApiFixture.get(port, path);
        assertEquals(200, r.status(), path + " -> " + r.body());
        return r.json();
    }

    static long latest(int port) {
        Reply r = ApiFixture.get(port, "/api/vms/" + VM);
        return r.status() == 200 ? r.json().get("latest_offset").asLong() : -1;
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting: " + what);
            }
            Thread.sleep(100);
        }
    }

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\]|\\\\.)*\",?)*\\})? "
                    + "(-?[0-9.]+(?:[eE][-+]?[0-9]+)?|NaN|[+-]Inf)");

    /** Parses Prometheus text: every non-comment line must be {@code name{labels} value}. */
    static Map<String, Double> metrics(String text) {
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                if (line.startsWith("#")) {
                    assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE "), line);
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not Prometheus text: " + line);
            String value = m.group(3);
            out.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), value.equals("NaN") ? Double.NaN
                    : value.endsWith("Inf") ? (value.startsWith("-") ? Double.NEGATIVE_INFINITY
                    : Double.POSITIVE_INFINITY) : Double.parseDouble(value));
        }
        assertTrue(out.size() > 10, text);
        return out;
    }

    static double sum(Map<String, Double> m, String prefix) {
        return m.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).mapToDouble(Map.Entry::getValue)
                .sum();
    }
}
