package org.mtrrledger.engine.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.Keys;
import org.mtrrledger.engine.store.LedgerStore;

/**
 * The consumer loop. Positions live in the store, written in the same batch as the state ({@link LedgerWriter}):
 * {@code enable.auto.commit=false}, {@code isolation.level=read_committed} (a half-published ingest is never seen),
 * and on every assignment each partition is sought to its stored next offset (or the beginning). Offsets are also
 * committed to Kafka, asynchronously, only so that lag shows in the usual tools.
 *
 * <p>Three threads overlap three polls: this one fetches and parses poll N+2 while {@link FoldStage#pipelined}
 * folds poll N+1 and {@link StoreWrites#pipelined} writes poll N's batch. The stages are drained (everything
 * polled is folded and written) when a poll comes back empty, around every rebalance, and when {@link #run}
 * returns, so a crash loses at most the polls in flight, which are refolded from the stored offsets like any other
 * unwritten batch.
 *
 * <p>Scaling out: run more engine processes with the same group id, each with its own store directory; Kafka
 * spreads the partitions; a process that gains a partition resumes from its own stored offset for it (0 if it never
 * owned it: it refolds that partition from the log).
 */
public final class LedgerEngine implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EngineConfig config;
    private final LedgerStore store;
    private final StoreWrites writes;
    private final LedgerWriter writer;
    private final FoldStage folds;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile boolean assignedOnce;

    public LedgerEngine(String bootstrap, EngineConfig config, LedgerStore store, Pipeline pipeline) {
        this.config = config;
        this.store = store;
        byte[] folded = store.get(Column.META, Keys.metaTopicKey());
        if (folded != null && !new String(folded, java.nio.charset.StandardCharsets.UTF_8).equals(config.topic())) {
            throw new IllegalStateException("the store at " + store.path() + " holds topic '"
                    + new String(folded, java.nio.charset.StandardCharsets.UTF_8) + "', not '" + config.topic()
                    + "': use another --data directory or `mtrr rebuild`");
        }
        this.writes = StoreWrites.pipelined(store);
        this.writer = new LedgerWriter(store, writes, pipeline, config.checkpointEvery(), config.poison());
        this.folds = FoldStage.pipelined(writer);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "mtrr-engine-" + ProcessHandle.current().pid());
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Summary of one run. */
    public record RunSummary(long folded, long rejected, Set<Integer> partitions, Map<Integer, Long> nextOffsets) {
    }

    public RunSummary run(StopCondition until, EngineProgress progress) {
        try {
            consumer.subscribe(List.of(config.topic()), new Rebalance());
            while (!stopRequested) {
                try {
                    if (pollOnce(until, progress)) {
                        break;
                    }
                } catch (WakeupException e) {
                    // stop() may land in poll(), endOffsets() or position(): every one of them means "stop now".
                    break;
                } catch (RuntimeException | Error e) {
                    // Batches folded before the failing one are valid: get the one in flight into the store.
                    try {
                        folds.drain();
                    } catch (RuntimeException | Error also) {
                        e.addSuppressed(also);
                    }
                    throw e;
                }
            }
            folds.drain();
            progress.report(writer.folded(), 0, safeLag());
            Map<Integer, Long> next = new HashMap<>();
            for (TopicPartition tp : consumer.assignment()) {
                store.getLong(Column.META, Keys.metaOffsetKey(tp.topic(), tp.partition()))
                        .ifPresent(o -> next.put(tp.partition(), o));
            }
            Set<Integer> parts = new java.util.TreeSet<>();
            consumer.assignment().forEach(tp -> parts.add(tp.partition()));
            return new RunSummary(writer.folded(), writer.rejected(), parts, next);
        } finally {
            stopped.countDown();
        }
    }

    private long lastReport = System.nanoTime();
    private long foldedAtReport;

    /** One poll, its batch, a progress report when due; true when {@code until} says the run is over. */
    private boolean pollOnce(StopCondition until, EngineProgress progress) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
        if (!polled.isEmpty()) {
            List<LogRecord> batch = new ArrayList<>(polled.count());
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            for (TopicPartition tp : polled.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> records = polled.records(tp);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    batch.add(new LogRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value()));
                }
                commit.put(tp, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
            }
            folds.submit(batch);
            consumer.commitAsync(commit, null);
        } else {
            // Idle: let the store (and whoever reads it) catch up with everything folded so far.
            folds.drain();
        }
        long now = System.nanoTime();
        if (now - lastReport >= 1_000_000_000L) {
            double rate = (writer.folded() - foldedAtReport) * 1e9 / (now - lastReport);
            progress.report(writer.folded(), rate, lag());
            lastReport = now;
            foldedAtReport = writer.folded();
        }
        return until == StopCondition.UNTIL_IDLE && polled.isEmpty() && assignedOnce && caughtUp();
    }

    private boolean caughtUp() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return true;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        for (TopicPartition tp : assigned) {
            if (consumer.position(tp) < end.getOrDefault(tp, 0L)) {
                return false;
            }
        }
        return true;
    }

    private Map<Integer, Long> safeLag() {
        try {
            return lag();
        } catch (WakeupException e) {
            return lag();
        }
    }

    private Map<Integer, Long> lag() {
        Map<Integer, Long> lag = new java.util.TreeMap<>();
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return lag;
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        for (TopicPartition tp : assigned) {
            lag.put(tp.partition(), Math.max(0, end.getOrDefault(tp, 0L) - consumer.position(tp)));
        }
        return lag;
    }

    /** Asks {@link #run} to return after the current poll; safe from any thread (e.g. a shutdown hook). */
    public void stop() {
        stopRequested = true;
        consumer.wakeup();
    }

    /** Waits until {@link #run} has returned. */
    public void awaitStopped() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        try {
            try {
                folds.close();
            } finally {
                writes.close();
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Whatever was folded for these partitions is in the store before another owner may start on them.
            folds.drain();
            partitions.forEach(tp -> writer.forget(tp.partition()));
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            folds.drain(); // the stored offsets read below must include the poll in flight
            writer.partitions(consumer.partitionsFor(config.topic()).size());
            for (TopicPartition tp : partitions) {
                var stored = store.getLong(Column.META, Keys.metaOffsetKey(tp.topic(), tp.partition()));
                if (stored.isPresent()) {
                    consumer.seek(tp, stored.get());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
            }
            assignedOnce = true;
        }
    }
}
