package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicAdminTest {

    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    /** Reads the topic's configuration straight from the broker, not through the code under test. */
    private static Config brokerConfig(String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            return admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
        }
    }

    private static int brokerPartitionCount(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        }
    }

    @Test
    void shouldCreateTopicWithRequestedPartitionsAndUnlimitedRetention() throws Exception {
        TopicInfo info = TopicAdmin.ensureTopic(broker.bootstrap(), "audit", 6);

        assertTrue(info.created());
        assertEquals(6, info.partitions());
        assertFalse(info.partitionCountDiffers());
        assertTrue(info.unlimitedRetention(), info.describe());
        assertEquals(6, brokerPartitionCount("audit"));
        Config config = brokerConfig("audit");
        assertEquals("-1", config.get("retention.ms").value());
        assertEquals("-1", config.get("retention.bytes").value());
        assertEquals("delete", config.get("cleanup.policy").value());
    }

    @Test
    void shouldKeepAnExistingTopicWithAnotherPartitionCountAndReportIt() throws Exception {
        TopicAdmin.ensureTopic(broker.bootstrap(), "audit-existing", 3);

        TopicInfo again = TopicAdmin.ensureTopic(broker.bootstrap(), "audit-existing", 5);

        assertFalse(again.created());
        assertEquals(3, again.partitions());
        assertEquals(5, again.requestedPartitions());
        assertTrue(again.partitionCountDiffers());
        assertTrue(again.describe().contains("requested 5"), again.describe());
        assertEquals(3, brokerPartitionCount("audit-existing"));
    }

    @Test
    void shouldCreateACompactedSinglePartitionIngestLedger() throws Exception {
        String ledger = TopicAdmin.ledgerTopicOf("audit");
        assertEquals("audit.ingests", ledger);

        TopicInfo info = TopicAdmin.ensureIngestLedger(broker.bootstrap(), ledger);

        assertEquals(1, info.partitions());
        assertEquals("compact", info.cleanupPolicy());
        assertEquals(1, brokerPartitionCount(ledger));
        assertEquals("compact", brokerConfig(ledger).get("cleanup.policy").value());
        assertFalse(TopicAdmin.ensureIngestLedger(broker.bootstrap(), ledger).created());
    }

    @Test
    void shouldDescribeAnAbsentTopicAsEmpty() {
        assertTrue(TopicAdmin.describe(broker.bootstrap(), "no-such-topic").isEmpty());
        assertTrue(TopicAdmin.describe(broker.bootstrap(), "audit-described").isEmpty());
        TopicAdmin.ensureTopic(broker.bootstrap(), "audit-described", 2);
        assertEquals(2, TopicAdmin.describe(broker.bootstrap(), "audit-described").orElseThrow().partitions());
    }
}
