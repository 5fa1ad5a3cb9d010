package org.mtrrledger.engine.consume;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.events.kafka.TopicReader;
import org.mtrrledger.events.model.EventRef;

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
 *
 * <p>Static group membership: {@code group.instance.id} is derived from the host and the store's path (one store,
 * one member), so an engine restarted after a SIGKILL takes its old member's place at once instead of waiting for
 * that member's session ({@code session.timeout.ms}, 45 s) to expire. A clean stop leaves the group explicitly, so
 * the partitions of an engine that is stopped for good move to the others at once.
 *
 * <p>A broker that goes away: every request the loop makes is bounded by {@link EngineConfig#brokerTimeout()}; a
 * retriable failure (timeout, disconnection, coordinator moving) sets {@link #brokerProblem()}, and following the
 * topic ({@link StopCondition#FOLLOW}) goes on polling with the lag queries backed off (1 s doubling to 16 s) until
 * the broker answers again; the store stays readable throughout. {@link StopCondition#UNTIL_IDLE} (a batch command)
 * fails instead, naming the broker.
 */
public final class LedgerEngine implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EngineConfig config;
    private final LedgerStore store;
    private final StoreWrites writes;
    private final LedgerWriter writer;
    private final FoldStage folds;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final String bootstrap;
    private volatile String brokerProblem;
    private long backoffMs;
    private long nextBrokerQuery;
    private volatile boolean stopRequested;
    private volatile boolean assignedOnce;

    public LedgerEngine(String bootstrap, EngineConfig config, LedgerStore store, Pipeline pipeline) {
        this.config = config;
        this.store = store;
        this.bootstrap = bootstrap;
        String folded = store.meta().topic().orElse(null);
        if (folded != null && !folded.equals(config.topic())) {
            throw new IllegalStateException("the store at " + store.path() + " holds topic '" + folded + "', not '"
                    + config.topic() + "': use another --data directory or `mtrr rebuild`");
        }
        this.writes = StoreWrites.pipelined(store);
        this.writer = new LedgerWriter(store, writes, pipeline, config.checkpointEvery(), config.poison());
        this.folds = FoldStage.pipelined(writer);
        Properties p = readSettings(bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "mtrr-engine-" + ProcessHandle.current().pid());
        p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceId(store.path()));
        long timeout = config.brokerTimeout().toMillis();
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout));
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(timeout, 30_000)));
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * How the engine reads the log, without group membership: {@link TopicReader#committedReadSettings} (offsets
     * live in the store, only committed transactions) with polls and fetches large enough that a fold batch
     * amortises its store write. The bench's consume-and-discard bound reads with exactly these.
     */
    public static Properties readSettings(String bootstrap) {
        Properties p = TopicReader.committedReadSettings(bootstrap, 10_000);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 << 20));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 << 20));
        return p;
    }

    /**
     * The static member id of the engine on {@code storeDir}: host name plus a hash of the store's absolute path,
     * so that it is the same across restarts and differs between the stores (processes) of one group.
     */
    static String instanceId(Path storeDir) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(
                    storeDir.toAbsolutePath().normalize().toString().getBytes(StandardCharsets.UTF_8));
            return "mtrr-engine-" + host + "-" + HexFormat.of().formatHex(h, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why the broker is unavailable right now, or empty while it answers. */
    public Optional<String> brokerProblem() {
        return Optional.ofNullable(brokerProblem);
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
                } catch (RetriableException e) {
                    brokerFailed(e, until);
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
                store.meta().nextOffset(tp.topic(), tp.partition())
                        .ifPresent(o -> next.put(tp.partition(), o));
            }
            Set<Integer> parts = new java.util.TreeSet<>();
            consumer.assignment().forEach(tp -> parts.add(tp.partition()));
            return new RunSummary(writer.folded(), writer.rejected(), parts, next);
        } finally {
            stopped.countDown();
        }
    }

    private boolean staleHeadsAdopted;
    private long lastReport = System.nanoTime();
    private long foldedAtReport;

    /** Notes an outage: readiness says why, lag queries back off; a batch run (until idle) gives up instead. */
    private void brokerFailed(RetriableException e, StopCondition until) {
        String why = "Kafka at " + bootstrap + " did not answer within " + config.brokerTimeout().toMillis()
                + " ms (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
        if (until == StopCondition.UNTIL_IDLE) {
            folds.drain();
            throw new IllegalStateException("lost the Kafka broker: " + why, e);
        }
        backoffMs = Math.min(16_000, Math.max(1_000, backoffMs * 2));
        nextBrokerQuery = System.nanoTime() + backoffMs * 1_000_000;
        brokerProblem = why + "; retrying every " + backoffMs / 1000 + " s";
    }

    private boolean brokerQueryDue() {
        return brokerProblem == null || System.nanoTime() - nextBrokerQuery >= 0;
    }

    /** One poll, its batch, a progress report when due; true when {@code until} says the run is over. */
    private boolean pollOnce(StopCondition until, EngineProgress progress) {
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
        if (!polled.isEmpty()) {
            nextBrokerQuery = System.nanoTime(); // records came: the broker is back, check the lag at once
            List<LogRecord> batch = new ArrayList<>(polled.count());
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            for (TopicPartition tp : polled.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> records = polled.records(tp);
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    batch.add(new LogRecord(new EventRef(r.topic(), r.partition(), r.offset()), r.key(), r.value()));
                }
                commit.put(tp, new OffsetAndMetadata(records.get(records.size() - 1).offset() + 1));
            }
            folds.submit(batch);
            consumer.commitAsync(commit, null);
        } else {
            // Idle: let the store (and whoever reads it) catch up with everything folded so far, the heads a killed
            // predecessor left behind included (once: after that every stale head is one this writer caches).
            if (!staleHeadsAdopted) {
                folds.drain();
                writer.adoptStaleHeads();
                staleHeadsAdopted = true;
            }
            folds.drain();
        }
        long now = System.nanoTime();
        if (now - lastReport >= 1_000_000_000L && brokerQueryDue()) {
            double rate = (writer.folded() - foldedAtReport) * 1e9 / (now - lastReport);
            Map<Integer, Long> lag = lag();
            brokerProblem = null;
            backoffMs = 0;
            progress.report(writer.folded(), rate, lag);
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
        } catch (RetriableException e) {
            return Map.of(); // stopping while the broker is away: the lag is unknown
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
            // A static member stays in the group on close unless told otherwise; a clean stop hands its
            // partitions over at once.
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5))
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
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
                var stored = store.meta().nextOffset(tp.topic(), tp.partition());
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
