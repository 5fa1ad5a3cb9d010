package org.mtrrledger.projections.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mtrrledger.projections.api.ApiFixture.await;
import static org.mtrrledger.projections.api.ApiFixture.folded;
import static org.mtrrledger.projections.api.ApiFixture.latestOffset;
import static org.mtrrledger.projections.api.ApiFixture.metrics;
import static org.mtrrledger.projections.api.ApiFixture.publish;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.projections.api.ApiFixture.Reply;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * {@code mtrr serve} while its broker goes away and comes back on the same port and data dir: the store keeps
 * answering, {@code /healthz} stays 200, {@code /readyz} turns 503 saying which broker is missing, and once the
 * broker is back the engine folds what was published meanwhile and turns ready again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrokerOutageTest {
    static final String TOPIC = "outage.events";
    static final String VM = ApiServiceKafkaTest.VM;

    @TempDir
    Path data;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldKeepServingReportTheOutageAndResumeWhenTheBrokerReturns() throws Exception {
        List<MtrrEvent> log = ApiFixture.sample();
        int firstHalf = 120;
        String bootstrap = broker.bootstrap();
        try (LedgerStore store = LedgerStore.open(data.resolve("store"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC,
                PolicyProjection.OUTPUTS)) {
            ApiFixture.createTopic(bootstrap, TOPIC);
            try (EventPublisher pub = new EventPublisher(bootstrap, TOPIC, "tx-outage")) {
                publish(pub, "first", log.subList(0, firstHalf));
            }
            EngineConfig config = new EngineConfig(TOPIC, "outage", 16, PoisonPolicy.FAIL, Duration.ofSeconds(2));
            try (ApiService service = ApiFixture.serve(bootstrap, config, store)) {
                int port = service.server().port();
                await("first half folded and ready", () -> latestOffset(port, VM) == firstHalf - 1
                        && ApiFixture.get(port, "/readyz").status() == 200);

                broker.stop();
                await("readyz reports the outage",
                        () -> ApiFixture.get(port, "/readyz").status() == 503);
                Reply ready = ApiFixture.get(port, "/readyz");
                assertTrue(ready.json().path("reason").asText().contains("Kafka at " + bootstrap), ready.body());
                assertEquals(200, ApiFixture.get(port, "/healthz").status());
                assertEquals(firstHalf, folded(port, VM), "the store still answers");
                assertEquals(200, ApiFixture.get(port, "/api/vms/" + VM + "/memtype?vcpu=0").status());
                assertEquals(0.0, metrics(ApiFixture.get(port, "/metrics").body())
                        .get("mtrr_engine_ready"));
                assertTrue(service.engineFailure() == null, "the engine died: " + service.engineFailure());

                assertEquals(bootstrap, broker.start().bootstrap());
                try (EventPublisher pub = new EventPublisher(bootstrap, TOPIC, "tx-outage")) {
                    publish(pub, "second", log.subList(firstHalf, log.size()));
                }
                await("the fold catches up and is ready", () -> folded(port, VM)
                        == log.size() && ApiFixture.get(port, "/readyz").status() == 200);
                assertTrue(ApiFixture.get(port, "/readyz").json().path("reason").isMissingNode());
            }
        }
    }
}
