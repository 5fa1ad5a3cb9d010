package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.TopicAdmin;

/**
 * {@link LedgerEngine#stop()} (what SIGTERM calls) must make {@link LedgerEngine#run} return its summary wherever
 * the consumer loop is at that moment, not only while it is blocked in {@code poll}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LedgerEngineStopTest {
    private static final String TOPIC = "stop.events";

    @TempDir
    Path dir;

    @RegisterExtension
    final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldReturnTheSummaryWhenStoppedWhileFoldingABatch() throws Exception {
        TopicAdmin.ensureTopic(broker.bootstrap(), TOPIC, 2);
        TopicAdmin.ensureIngestLedger(broker.bootstrap(), TopicAdmin.ledgerTopicOf(TOPIC));
        EventCodec codec = new EventCodec();
        List<KeyedRecord> records = new ArrayList<>();
        for (MtrrEvent e : TimeTravelTest.mixedLog(3, 500)) {
            records.add(new KeyedRecord(e.getVm(), codec.encode(e)));
        }
        try (EventPublisher p = new EventPublisher(broker.bootstrap(), TOPIC,
                EventPublisher.transactionalIdFor(TOPIC))) {
            p.publishFile(IngestDigest.sha256("stop".getBytes(StandardCharsets.UTF_8)), "stop", records.iterator(),
                    n -> { });
        }

        // A projection that parks the loop inside the fold of the first batch until stop() has been called.
        CountDownLatch folding = new CountDownLatch(1);
        CountDownLatch stopped = new CountDownLatch(1);
        Projection.Stateless parking = (state, memo, folded, ref, event) -> {
            folding.countDown();
            try {
                stopped.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return List.of();
        };
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try (LedgerStore store = LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY);
                LedgerEngine engine = new LedgerEngine(broker.bootstrap(),
                        new EngineConfig(TOPIC, "stop-test", 1000, PoisonPolicy.FAIL), store,
                        new Pipeline(parking))) {
            Future<LedgerEngine.RunSummary> run = ex.submit(() -> engine.run(StopCondition.FOLLOW,
                    EngineProgress.NONE));
            assertTrue(folding.await(60, TimeUnit.SECONDS), "the engine never folded");
            engine.stop(); // the loop is inside writer.apply, not in poll: the wakeup stays pending
            stopped.countDown();
            LedgerEngine.RunSummary s = run.get(60, TimeUnit.SECONDS);
            assertTrue(s.folded() > 0, "the batch in progress is completed and committed: " + s);
            for (Map.Entry<Integer, Long> e : s.nextOffsets().entrySet()) {
                assertEquals(e.getValue(), store.meta().nextOffset(TOPIC, e.getKey())
                        .orElseThrow());
            }
        } finally {
            ex.shutdownNow();
        }
    }
}
