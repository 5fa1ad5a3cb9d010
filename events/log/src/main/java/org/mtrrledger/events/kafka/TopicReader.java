package org.mtrrledger.events.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what is committed in a topic, from a start offset up to the end as of the call, then stops.
 *
 * <p>{@code isolation.level=read_committed} is the setting that matters: records of aborted transactions
 * (a file whose ingest failed half way) are skipped, and the end offset is the last stable offset, so records
 * of a transaction still open are not read either. No consumer group is used ({@code assign}, no commits), so
 * reading leaves no trace on the broker.
 */
public final class TopicReader {

    static {
        KafkaLogDefaults.apply();
    }

    private static final Comparator<ConsumerRecord<String, byte[]>> IN_PARTITION_ORDER =
            Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                    .thenComparingLong(ConsumerRecord::offset);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicReader() {
    }

    /** All committed records of every partition of {@code topic}, partition by partition in offset order. */
    public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        scan(bootstrap, topic, -1, 0, out::add);
        out.sort(IN_PARTITION_ORDER);
        return out;
    }

    /** The committed records of one partition, from {@code fromOffset} up to the end as of this call. */
    public static List<ConsumerRecord<String, byte[]>> readPartition(String bootstrap, String topic, int partition,
                                                     long fromOffset) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        scan(bootstrap, topic, partition, fromOffset, out::add);
        out.sort(IN_PARTITION_ORDER);
        return out;
    }

    /**
     * Streams committed records to {@code sink} without collecting them (for topics too big for a list).
     * Within a partition records arrive in offset order; partitions are interleaved.
     *
     * @param partition  one partition, or -1 for all partitions (each from {@code fromOffset})
     * @return the number of records passed to {@code sink}
     */
    public static long scan(String bootstrap, String topic, int partition, long fromOffset,
                            Consumer<ConsumerRecord<String, byte[]>> sink) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps(bootstrap),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitions(consumer, bootstrap, topic, partition);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, Math.max(0, fromOffset));
            }
            long count = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " at " + bootstrap + " did not reach the end"
                            + " offsets " + end + " within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    if (r.offset() >= end.get(tp)) {
                        continue; // committed after this call started
                    }
                    sink.accept(r);
                    count++;
                    deadline = System.nanoTime() + TIMEOUT.toNanos();
                }
            }
            return count;
        } catch (KafkaException e) {
            throw new IllegalStateException("cannot read topic " + topic
                    + (partition < 0 ? "" : " partition " + partition) + " at " + bootstrap + ": " + e, e);
        }
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String bootstrap, String topic,
                                                   int partition) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist at " + bootstrap);
        }
        List<TopicPartition> out = new ArrayList<>();
        for (PartitionInfo info : infos) {
            if (partition < 0 || info.partition() == partition) {
                out.add(new TopicPartition(topic, info.partition()));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " at " + bootstrap + " has no partition " + partition
                    + " (it has " + infos.size() + ")");
        }
        out.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return out;
    }

    static Properties consumerProps(String bootstrap) {
        Properties p = committedReadSettings(bootstrap, 5000);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "mtrr-reader");
        return p;
    }

    /**
     * Consumer settings for reading what is committed in a topic from a position the caller chooses: only records of
     * committed transactions ({@code read_committed}: ingest publishes a file per transaction), offsets never
     * auto-committed (the reader keeps its position itself, or seeks each time), and the earliest offset where
     * there is no position. Every reader of the log starts from these and adds what is its own (client id, group,
     * fetch sizes).
     *
     * @param maxPollRecords records one poll returns at most: the batch the caller processes per poll
     */
    public static Properties committedReadSettings(String bootstrap, int maxPollRecords) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
        return p;
    }
}
