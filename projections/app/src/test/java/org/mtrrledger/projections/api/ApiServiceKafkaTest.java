package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.ProgressListener;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.projections.api.ApiFixture.Reply;
import org.mtrrledger.projections.ledger.PolicyProjection;

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

    @RegisterExtension
    final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldAnswerOldOffsetsUnchangedWhileFoldingNewEventsAndExposeMetrics() throws Exception {
        List<MtrrEvent> log = ApiFixture.sample();
        int firstHalf = 120;
        TopicAdmin.ensureTopic(broker.bootstrap(), TOPIC, 2);
        TopicAdmin.ensureIngestLedger(broker.bootstrap(), TopicAdmin.ledgerTopicOf(TOPIC));
        try (EventPublisher pub = new EventPublisher(broker.bootstrap(), TOPIC, "tx-api-test");
                LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.PRIMARY,
                        Durability.WAL_NO_SYNC, PolicyProjection.OUTPUTS)) {
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

                // more events, a few at a time, while the engine runs: the old answers are asked for until each
                // batch is folded, so they are checked against stores holding part of the second half
                int[] asked = {0};
                List<Long> partial = new ArrayList<>();
                for (int i = firstHalf; i < log.size(); i += 6) {
                    int end = Math.min(log.size(), i + 6);
                    publish(pub, "second-" + i, log.subList(i, end));
                    await("the first " + end + " events folded", () -> {
                        assertEquals(memOld, ok(port, "/api/vms/" + VM + "/memtype?at=" + old));
                        assertEquals(perVmOld, ok(port, "/api/vms/" + VM + "/memtype?at=" + old
                                + "&vcpu=per-vm"));
                        assertEquals(policiesOld, ok(port, "/api/vms/" + VM + "/policies?at=" + old));
                        asked[0]++;
                        return folded(port) == end;
                    });
                    if (end < log.size()) {
                        partial.add(folded(port));
                    }
                }
                assertTrue(partial.size() > 1, "the second half was folded in several steps: " + partial);
                assertTrue(asked[0] >= partial.size() + 1, "asked " + asked[0]);
                assertTrue(partial.size() > 1, "the old answers held while the second half was partly folded: "
                        + partial);
                assertEquals(memOld, ok(port, "/api/vms/" + VM + "/memtype?at=" + old));
                assertEquals(policiesOld, ok(port, "/api/vms/" + VM + "/policies?at=" + old));
                // the latest state is not the old one
                assertTrue(!ok(port, "/api/vms/" + VM + "/memtype").equals(memOld));

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

    /** How many of the VM's events the store has folded (transaction markers take offsets too). */
    static long folded(int port) {
        Reply r = ApiFixture.get(port, "/api/vms/" + VM);
        return r.status() == 200 ? r.json().get("events").asLong() : -1;
    }

    static long latest(int port) {
        Reply r = ApiFixture.get(port, "/api/vms/" + VM);
        return r.status() == 200 ? r.json().get("latest_offset").asLong() : -1;
    }

    static void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(20)).until(condition);
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
