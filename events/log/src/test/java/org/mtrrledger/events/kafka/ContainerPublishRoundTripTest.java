package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The publish round trip against a stock Apache Kafka broker in a container, to make sure nothing depends on
 * the embedded broker's settings. Skipped (not failed) where there is no Docker.
 */
/** Needs Docker: selected where the root pom's {@code docker} profile is active (a Docker socket exists). */
@Tag("docker")
@Testcontainers(disabledWithoutDocker = true)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ContainerPublishRoundTripTest {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.0");

    @Test
    void shouldPublishAndReadBackThroughAContainerBroker() {
        String bootstrap = KAFKA.getBootstrapServers();
        TopicAdmin.ensureTopic(bootstrap, "container-events", 3);
        TopicAdmin.ensureIngestLedger(bootstrap, TopicAdmin.ledgerTopicOf("container-events"));
        IngestDigest digest = IngestDigest.sha256("container".getBytes(StandardCharsets.UTF_8));
        try (EventPublisher publisher = new EventPublisher(bootstrap, "container-events",
                EventPublisher.transactionalIdFor("container-events"))) {
            PublishOutcome first = publisher.publishFile(digest, "c.log", Events.generate("c", 5, 2_000),
                    ProgressListener.NONE);
            assertEquals(2_000, assertInstanceOf(PublishOutcome.Published.class, first).summary().eventCount());
            assertInstanceOf(PublishOutcome.AlreadyIngested.class,
                    publisher.publishFile(digest, "c.log", Events.generate("c", 5, 2_000), ProgressListener.NONE));
        }
        assertEquals(2_000, TopicReader.readAll(bootstrap, "container-events").size());
    }
}
