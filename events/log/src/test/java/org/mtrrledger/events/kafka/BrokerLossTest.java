package org.mtrrledger.events.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker dies in the middle of a file's publish: the publish must fail within the broker timeout (not hang),
 * name the broker it lost, and leave nothing of the file for read_committed readers once the broker is back.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerLossTest {
    private static final String TOPIC = "lost";
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(3);

    @RegisterExtension
    final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldFailWithinTheBrokerTimeoutNamingTheBrokerAndPublishNothingOfTheFile() {
        String bootstrap = broker.bootstrap();
        TopicAdmin.ensureTopic(bootstrap, TOPIC, 2);
        TopicAdmin.ensureIngestLedger(bootstrap, TopicAdmin.ledgerTopicOf(TOPIC));
        IngestDigest lostFile = IngestDigest.sha256("lost".getBytes(StandardCharsets.UTF_8));
        String txId = EventPublisher.transactionalIdFor(TOPIC);
        AtomicLong brokerGoneAt = new AtomicLong();
        IngestFailedException failure;
        try (EventPublisher publisher = new EventPublisher(bootstrap, TOPIC, txId, 1_000, BROKER_TIMEOUT)) {
            failure = assertThrows(IngestFailedException.class, () -> publisher.publishFile(lostFile, "lost.jsonl",
                    Events.generate("v", 4, 2_000_000), sent -> {
                        if (sent == 5_000) {
                            broker.stop();
                            brokerGoneAt.set(System.nanoTime());
                        }
                    }));
        }
        long failedAfterMs = (System.nanoTime() - brokerGoneAt.get()) / 1_000_000;
        System.out.println("publish failed " + failedAfterMs + " ms after the broker stopped: " + failure.getMessage());
        assertTrue(brokerGoneAt.get() != 0, "the broker was never stopped: " + failure);
        assertTrue(failedAfterMs < BROKER_TIMEOUT.toMillis() + 10_000,
                "the publish failed only " + failedAfterMs + " ms after the broker was gone");
        assertTrue(failure.getMessage().contains("lost the Kafka broker at " + bootstrap), failure.getMessage());

        assertEquals(bootstrap, broker.start().bootstrap(), "a restarted broker must be where its clients left it");
        // The next ingester (same transactional id) fences the dead one and aborts its open transaction.
        try (EventPublisher next = new EventPublisher(bootstrap, TOPIC, txId)) {
            next.publishFile(IngestDigest.sha256("next".getBytes(StandardCharsets.UTF_8)), "next.jsonl",
                    Events.generate("n", 2, 10), ProgressListener.NONE);
            assertTrue(next.lookup(lostFile).isEmpty(), "the lost file must not be in the ingest ledger");
        }
        List<ConsumerRecord<String, byte[]>> visible = TopicReader.readAll(bootstrap, TOPIC);
        assertEquals(10, visible.size(), "only the next file's records are visible");
        assertTrue(visible.stream().allMatch(r -> r.key().startsWith("n")), "a record of the lost file is visible");
    }
}
