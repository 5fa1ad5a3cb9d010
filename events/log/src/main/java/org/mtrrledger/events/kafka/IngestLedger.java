package org.mtrrledger.events.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The publisher's view of the ingest ledger topic: digest hex to {@link IngestSummary}.
 *
 * <p>It is read with {@code read_committed}, so a ledger record is seen exactly when the events it describes
 * are (they share a transaction). The topic is compacted and small, so the whole of it is read once and then
 * only what was added since, before every lookup. A {@code null} value (tombstone) forgets a digest, which is
 * how an operator could allow a file to be ingested again.
 */
final class IngestLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(IngestLedger.class);

    private final String bootstrap;
    private final String topic;
    private final TopicPartition partition;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, IngestSummary> byDigest = new HashMap<>();
    private final Duration timeout;

    IngestLedger(String bootstrap, String topic, Duration timeout) {
        this.timeout = timeout;
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.consumer = new KafkaConsumer<>(TopicReader.consumerProps(bootstrap), new StringDeserializer(),
                new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("ingest ledger topic " + topic + " does not exist at " + bootstrap
                        + " (create it with TopicAdmin.ensureIngestLedger)");
            }
            if (infos.size() != 1) {
                throw new IllegalStateException("ingest ledger topic " + topic + " at " + bootstrap + " has "
                        + infos.size() + " partitions; it must have exactly 1");
            }
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** Reads what was committed to the ledger since the last call, then looks the digest up. */
    Optional<IngestSummary> lookup(IngestDigest digest) {
        catchUp();
        return Optional.ofNullable(byDigest.get(digest.hex()));
    }

    /** Records a summary this process has just committed (so it need not wait to read it back). */
    void remember(IngestSummary summary) {
        byDigest.put(summary.digest().hex(), summary);
    }

    private void catchUp() {
        try {
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading ingest ledger " + topic + " at " + bootstrap
                            + " did not reach offset " + end + " within " + timeout.toMillis() + " ms");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
            }
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot read ingest ledger " + topic + " at " + bootstrap + ": " + e, e);
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            byDigest.remove(r.key());
            return;
        }
        try {
            byDigest.put(r.key(), IngestSummary.fromJson(r.value()));
        } catch (RuntimeException e) {
            // An unreadable entry must not block ingestion of other files; it only loses its dedupe.
            LOG.warn("ignoring unreadable ingest ledger record {}-{}@{} (key {}): {}", topic, r.partition(),
                    r.offset(), r.key(), e.toString());
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
}
