package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtrrledger.broker.EmbeddedBroker;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;

/** The topic is the audit log: what was published, and which files were, outlive the broker process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class IngestAcrossBrokerRestartTest {

    @RegisterExtension
    final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldKeepRecordsAndTheIngestLedgerAcrossABrokerRestart() {
        String clusterId = broker.running().clusterId();
        IngestDigest digest = IngestDigest.sha256("persist".getBytes(StandardCharsets.UTF_8));
        TopicAdmin.ensureTopic(broker.bootstrap(), "persist", 2);
        TopicAdmin.ensureIngestLedger(broker.bootstrap(), TopicAdmin.ledgerTopicOf("persist"));
        try (EventPublisher publisher = new EventPublisher(broker.bootstrap(), "persist", "tx-persist")) {
            publisher.publishFile(digest, "persist.log", Events.generate("p", 4, 100), ProgressListener.NONE);
        }
        broker.stop();

        EmbeddedBroker again = broker.start();
        assertEquals(clusterId, again.clusterId(), "the log dir must not be re-formatted");
        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(again.bootstrap(), "persist");
        assertEquals(100, records.size());
        assertEquals(100, records.stream().map(Events::text).distinct().count());
        try (EventPublisher publisher = new EventPublisher(again.bootstrap(), "persist", "tx-persist")) {
            PublishOutcome outcome = publisher.publishFile(digest, "persist-again.log",
                    Events.generate("p", 4, 100), ProgressListener.NONE);
            assertInstanceOf(PublishOutcome.AlreadyIngested.class, outcome);
            assertEquals("persist.log", outcome.summary().label());
        }
    }
}
