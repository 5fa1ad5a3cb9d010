package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EventPublisherTest {

    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    private static String newTopic(String name, int partitions) {
        TopicAdmin.ensureTopic(broker.bootstrap(), name, partitions);
        TopicAdmin.ensureIngestLedger(broker.bootstrap(), TopicAdmin.ledgerTopicOf(name));
        return name;
    }

    @Test
    void shouldPublishTenThousandRecordsWithPerPartitionOffsetRanges() {
        String topic = newTopic("events-10k", 3);
        IngestDigest digest = IngestDigest.sha256("10k".getBytes(StandardCharsets.UTF_8));
        List<Long> progress = new ArrayList<>();
        PublishOutcome outcome;
        try (EventPublisher publisher = new EventPublisher(broker.bootstrap(), topic,
                EventPublisher.transactionalIdFor(topic), 1_000)) {
            outcome = publisher.publishFile(digest, "boot-10k.log", Events.generate("a", 40, 10_000), progress::add);
        }

        PublishOutcome.Published published = assertInstanceOf(PublishOutcome.Published.class, outcome);
        IngestSummary summary = published.summary();
        assertEquals(10_000, summary.eventCount());
        assertEquals("boot-10k.log", summary.label());
        assertEquals(digest, summary.digest());
        assertEquals(LongStream.rangeClosed(1, 10).map(i -> i * 1_000).boxed().collect(Collectors.toList()),
                progress.subList(0, 10));
        assertEquals(10_000L, progress.get(progress.size() - 1));

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(broker.bootstrap(), topic);
        assertEquals(10_000, records.size());
        Map<Integer, List<ConsumerRecord<String, byte[]>>> byPartition = records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition));
        assertEquals(byPartition.keySet(), summary.partitions().keySet());
        long total = 0;
        for (Map.Entry<Integer, OffsetRange> e : summary.partitions().entrySet()) {
            List<ConsumerRecord<String, byte[]>> inPartition = byPartition.get(e.getKey());
            OffsetRange range = e.getValue();
            assertEquals(inPartition.get(0).offset(), range.first(), "first offset of partition " + e.getKey());
            assertEquals(inPartition.get(inPartition.size() - 1).offset(), range.last(),
                    "last offset of partition " + e.getKey());
            assertEquals(inPartition.size(), range.count());
            total += range.count();
        }
        assertEquals(10_000, total);

        // every VM lives in exactly one partition, and its events are in publish order there
        Map<String, Integer> partitionOfVm = new HashMap<>();
        Map<String, Long> lastSeq = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            Integer earlier = partitionOfVm.putIfAbsent(r.key(), r.partition());
            assertTrue(earlier == null || earlier == r.partition(), "VM " + r.key() + " split over partitions");
            long seq = Events.seq(r);
            assertEquals(lastSeq.getOrDefault(r.key(), -1L) + 1, seq, "order of " + r.key());
            lastSeq.put(r.key(), seq);
        }
        assertEquals(40, partitionOfVm.size());
    }

    @Test
    void shouldLeaveNothingVisibleWhenTheIteratorThrowsHalfWay() {
        String topic = newTopic("events-abort", 2);
        IngestDigest bad = IngestDigest.sha256("bad file".getBytes(StandardCharsets.UTF_8));
        IngestDigest good = IngestDigest.sha256("good file".getBytes(StandardCharsets.UTF_8));
        IllegalArgumentException parseError = new IllegalArgumentException("bad.log line 5001: unknown MSR");
        try (EventPublisher publisher = new EventPublisher(broker.bootstrap(), topic,
                EventPublisher.transactionalIdFor(topic))) {
            // Whether the producer has sent the open transaction's records before the abort is up to its sender
            // thread; waiting until they are in the log (read_uncommitted end offsets) makes the filtering below
            // something read_committed has to do.
            Runnable untilInLog = () -> org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> uncommittedEnd(topic) > 0);
            IngestFailedException failure = assertThrows(IngestFailedException.class, () -> publisher.publishFile(bad,
                    "bad.log", Events.generateThenFail("b", 8, 10_000, 5_000, untilInLog, parseError),
                    ProgressListener.NONE));
            assertSame(parseError, failure.getCause());
            assertEquals("bad.log", failure.label());
            assertEquals(5_000, failure.recordsSent());
            assertTrue(failure.getMessage().contains("bad.log") && failure.getMessage().contains(topic)
                    && failure.getMessage().contains(broker.bootstrap()), failure.getMessage());

            assertEquals(List.of(), TopicReader.readAll(broker.bootstrap(), topic), "aborted records are visible");
            assertEquals(List.of(), TopicReader.readAll(broker.bootstrap(), TopicAdmin.ledgerTopicOf(topic)));
            assertFalse(publisher.lookup(bad).isPresent(), "a failed file must not be marked as ingested");

            // the same publisher goes on working, and the failed file can be retried
            PublishOutcome next = publisher.publishFile(good, "good.log", Events.generate("g", 8, 300),
                    ProgressListener.NONE);
            assertInstanceOf(PublishOutcome.Published.class, next);
            // the aborted records did reach the log (offsets were used) and were filtered by read_committed
            assertTrue(next.summary().partitions().values().stream().allMatch(r -> r.first() > 0),
                    "expected the good file after the aborted records: " + next.summary().partitions());
            PublishOutcome retry = publisher.publishFile(bad, "bad.log (fixed)", Events.generate("b", 8, 100),
                    ProgressListener.NONE);
            assertInstanceOf(PublishOutcome.Published.class, retry);
        }
        List<ConsumerRecord<String, byte[]>> visible = TopicReader.readAll(broker.bootstrap(), topic);
        assertEquals(400, visible.size());
        assertEquals(300, visible.stream().filter(r -> r.key().startsWith("g-")).count());
        assertEquals(100, visible.stream().filter(r -> r.key().startsWith("b-")).count());
    }

    @Test
    void shouldPublishTheSameDigestOnlyOnce(@TempDir Path files) throws Exception {
        String topic = newTopic("events-dedupe", 2);
        Path file = Files.writeString(files.resolve("boot.log"), "the same bytes");
        IngestDigest digest = IngestDigest.sha256(file);
        assertEquals(IngestDigest.sha256("the same bytes".getBytes(StandardCharsets.UTF_8)), digest);
        assertEquals(digest, IngestDigest.of(digest.hex().toUpperCase()));

        IngestSummary first;
        try (EventPublisher publisher = new EventPublisher(broker.bootstrap(), topic,
                EventPublisher.transactionalIdFor(topic))) {
            first = assertInstanceOf(PublishOutcome.Published.class, publisher.publishFile(digest, "boot.log",
                    Events.generate("d", 3, 500), ProgressListener.NONE)).summary();
            PublishOutcome again = publisher.publishFile(digest, "copy-of-boot.log", Events.generate("d", 3, 500),
                    ProgressListener.NONE);
            assertEquals(new PublishOutcome.AlreadyIngested(first), again);
        }
        // a fresh publisher (another CLI run) learns it from the ledger topic
        try (EventPublisher publisher = new EventPublisher(broker.bootstrap(), topic,
                EventPublisher.transactionalIdFor(topic))) {
            PublishOutcome again = publisher.publishFile(digest, "boot.log", Events.generate("d", 3, 500),
                    ProgressListener.NONE);
            PublishOutcome.AlreadyIngested already = assertInstanceOf(PublishOutcome.AlreadyIngested.class, again);
            assertEquals(first, already.summary(), "ledger JSON must round-trip the summary");
            assertEquals("boot.log", already.summary().label());
            assertEquals(500, already.summary().eventCount());
        }
        assertEquals(500, TopicReader.readAll(broker.bootstrap(), topic).size());
        List<ConsumerRecord<String, byte[]>> ledger = TopicReader.readAll(broker.bootstrap(), TopicAdmin.ledgerTopicOf(topic));
        assertEquals(1, ledger.size());
        assertEquals(digest.hex(), ledger.get(0).key());
    }

    @Test
    void shouldRefuseToPublishWithoutTheLedgerTopic() {
        TopicAdmin.ensureTopic(broker.bootstrap(), "events-no-ledger", 1);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new EventPublisher(broker.bootstrap(), "events-no-ledger", "tx-no-ledger"));
        assertTrue(e.getMessage().contains("events-no-ledger.ingests") && e.getMessage().contains(broker.bootstrap()),
                e.getMessage());
    }

    /** Sum of the topic's end offsets as a read_uncommitted reader sees them: records of open transactions count. */
    private static long uncommittedEnd(String topic) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", broker.bootstrap()))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(r -> r.offset()).sum();
        }
    }
}
