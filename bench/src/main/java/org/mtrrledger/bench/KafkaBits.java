package org.mtrrledger.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mtrrledger.engine.consume.LedgerEngine;

/** Small Kafka helpers for the harness (not part of what is measured unless said so). */
final class KafkaBits {
    private KafkaBits() {
    }

    /** The engine's consumer settings ({@code LedgerEngine}), so the consume-only bound reads the same way. */
    static Properties engineLikeConsumer(String bootstrap, String group) {
        Properties p = LedgerEngine.readSettings(bootstrap);
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return p;
    }

    /**
     * Per partition, the offset after the last committed record (not after the trailing transaction marker): what
     * the engine stores as "next offset" once it has folded everything. Reads only the tail of each partition.
     */
    static Map<Integer, Long> nextOffsetsAfterLastRecord(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(engineLikeConsumer(bootstrap, null),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo pi : c.partitionsFor(topic, Duration.ofSeconds(30))) {
                tps.add(new TopicPartition(topic, pi.partition()));
            }
            c.assign(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps);
            Map<Integer, Long> next = new HashMap<>();
            for (TopicPartition tp : tps) {
                c.seek(tp, Math.max(0, end.get(tp) - 256));
                next.put(tp.partition(), 0L);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!reached(c, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the tail of " + topic);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    next.merge(r.partition(), r.offset() + 1, Math::max);
                }
            }
            return next;
        }
    }

    static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** Result of reading a topic once and throwing the records away. */
    record Drain(long records, long valueBytes, long nanos, Map<Integer, Long> nextOffsets) {
    }

    /**
     * Consume-and-discard: a fresh group subscribes (same group-join cost as the engine), reads every committed
     * record with the engine's consumer settings and deserializers, touches each value, and stops once every
     * partition is at its end offset. Timed from consumer creation.
     */
    static Drain drain(String bootstrap, String topic, String group) {
        long t0 = System.nanoTime();
        long n = 0;
        long bytes = 0;
        Map<Integer, Long> next = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(engineLikeConsumer(bootstrap, group),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            Map<TopicPartition, Long> end = null;
            while (true) {
                ConsumerRecords<byte[], byte[]> polled = c.poll(Duration.ofMillis(100));
                for (ConsumerRecord<byte[], byte[]> r : polled) {
                    n++;
                    bytes += r.value().length + (r.key() == null ? 0 : r.key().length);
                    next.put(r.partition(), r.offset() + 1);
                }
                if (end == null && !c.assignment().isEmpty()) {
                    end = c.endOffsets(c.assignment());
                }
                if (end != null && reached(c, end)) {
                    break;
                }
            }
            long t1 = System.nanoTime();
            return new Drain(n, bytes, t1 - t0, next);
        }
    }

    static void deleteTopics(String bootstrap, List<String> topics) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin a = Admin.create(p)) {
            a.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("bench: could not delete topics " + topics + ": " + e);
        }
    }
}
