package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtrrledger.projections.api.ApiFixture.await;
import static org.mtrrledger.projections.api.ApiFixture.folded;
import static org.mtrrledger.projections.api.ApiFixture.latestOffset;
import static org.mtrrledger.projections.api.ApiFixture.metrics;
import static org.mtrrledger.projections.api.ApiFixture.ok;
import static org.mtrrledger.projections.api.ApiFixture.publish;
import static org.mtrrledger.projections.api.ApiFixture.sum;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.kafka.EventPublisher;

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
        ApiFixture.createTopic(broker.bootstrap(), TOPIC);
        try (EventPublisher pub = new EventPublisher(broker.bootstrap(), TOPIC, "tx-api-test");
                LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.PRIMARY,
                        Durability.WAL_NO_SYNC, PolicyProjection.OUTPUTS)) {
            publish(pub, "first", log.subList(0, firstHalf));
            EngineConfig config = new EngineConfig(TOPIC, "api-test", 16, PoisonPolicy.FAIL);
            try (ApiService service = ApiFixture.serve(broker.bootstrap(), config, store)) {
                int port = service.server().port();
                assertEquals(200, ApiFixture.get(port, "/healthz").status());
                await("first half folded and ready", () -> latestOffset(port, VM) == firstHalf - 1
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
                        return folded(port, VM) == end;
                    });
                    if (end < log.size()) {
                        partial.add(folded(port, VM));
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
}
