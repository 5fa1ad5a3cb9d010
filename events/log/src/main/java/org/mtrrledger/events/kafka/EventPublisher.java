package org.mtrrledger.events.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes the events of one input file as one Kafka transaction, exactly once per file content.
 *
 * <p><b>One file = one transaction.</b> If the record iterator throws (a parse error half way through a
 * file) or Kafka fails, the transaction is aborted and {@code read_committed} consumers never see any of the
 * file's records; the engine and projections read with {@code read_committed}, so they only ever fold whole
 * files. The transaction may be large: {@code transaction.timeout.ms} is 15 minutes, the maximum a default
 * broker ({@code transaction.max.timeout.ms}) accepts. It bounds a whole file's publish, not the broker's silence.
 *
 * <p><b>A broker that goes away.</b> Every blocking producer call ({@code max.block.ms}: metadata, buffer space,
 * {@code initTransactions}, commit, abort) and every record's delivery ({@code delivery.timeout.ms},
 * {@code request.timeout.ms}) is bounded by the broker timeout ({@link #DEFAULT_BROKER_TIMEOUT} unless given),
 * and the first failed send callback stops the file at the next send, so a publish to a lost broker fails within
 * about that time with {@link IngestFailedException} naming the bootstrap address. The open transaction is then
 * aborted by the broker when the next publisher with the same transactional id starts (or after the transaction
 * timeout); until then {@code read_committed} readers see nothing of it.
 *
 * <p><b>Exactly once per file.</b> Before publishing, the file's SHA-256 is looked up in the ingest ledger
 * topic ({@code <topic>.ingests}); if present nothing is written and {@link PublishOutcome.AlreadyIngested}
 * is returned. Otherwise the ledger record is written in the <em>same</em> transaction as the events, so the
 * ledger and the data can never disagree. Concurrent ingesters should share the {@code transactional.id}
 * ({@link #transactionalIdFor}): a new producer with the same id fences the old one and aborts its open
 * transaction, so two processes cannot both commit the same file, and a crashed ingest's open transaction is
 * aborted as soon as the next ingest starts instead of blocking {@code read_committed} readers until the
 * transaction timeout.
 *
 * <p><b>Partitioning.</b> Records are keyed by VM id with Kafka's default partitioner, so all events of a VM
 * go to one partition, in publish order (the producer is idempotent, so retries cannot reorder or duplicate).
 *
 * <p><b>Throughput settings.</b> {@code compression.type=lz4}, {@code batch.size=256 KiB} and
 * {@code linger.ms=20} roughly doubled loopback throughput over the defaults for ~40-byte events;
 * {@code acks=all} and {@code enable.idempotence=true} are required by transactions anyway.
 *
 * <p>Not thread-safe: one publisher publishes one file at a time.
 */
public final class EventPublisher implements AutoCloseable {

    static {
        KafkaLogDefaults.apply();
    }

    /** The producer's {@code transaction.timeout.ms}: the longest a single file's publish may take. */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    /** How long the broker may stay silent before a publish fails (see the class comment). */
    public static final Duration DEFAULT_BROKER_TIMEOUT = Duration.ofSeconds(30);
    /** Default number of records between two progress callbacks. */
    public static final int DEFAULT_PROGRESS_INTERVAL = 10_000;

    private static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;
    private final String topic;
    private final String ledgerTopic;
    private final String transactionalId;
    private final int progressInterval;
    private final Duration brokerTimeout;
    private final KafkaProducer<String, byte[]> producer;
    private final Admin admin;
    private final IngestLedger ledger;
    private boolean producerClosed;
    private String fatalFailure;

    /**
     * Connects and initialises the transactional producer ({@code initTransactions}, which also aborts any
     * transaction left open by an earlier producer with the same id). Both the events topic and its ledger
     * topic must exist (see {@link TopicAdmin}).
     *
     * @param transactionalId stable id of "the ingester" of this topic; see {@link #transactionalIdFor}
     */
    public EventPublisher(String bootstrap, String topic, String transactionalId) {
        this(bootstrap, topic, transactionalId, DEFAULT_PROGRESS_INTERVAL);
    }

    /** As {@link #EventPublisher(String, String, String)}, with progress callbacks every {@code progressInterval} records. */
    public EventPublisher(String bootstrap, String topic, String transactionalId, int progressInterval) {
        this(bootstrap, topic, transactionalId, progressInterval, DEFAULT_BROKER_TIMEOUT);
    }

    /** As {@link #EventPublisher(String, String, String, int)}, failing once the broker is silent for {@code brokerTimeout}. */
    public EventPublisher(String bootstrap, String topic, String transactionalId, int progressInterval,
                          Duration brokerTimeout) {
        if (brokerTimeout.toMillis() < 100) {
            throw new IllegalArgumentException("broker timeout must be >= 100 ms, got " + brokerTimeout);
        }
        if (progressInterval < 1) {
            throw new IllegalArgumentException("progressInterval must be >= 1, got " + progressInterval);
        }
        this.bootstrap = bootstrap;
        this.topic = topic;
        this.ledgerTopic = TopicAdmin.ledgerTopicOf(topic);
        this.transactionalId = transactionalId;
        this.progressInterval = progressInterval;
        this.brokerTimeout = brokerTimeout;
        this.ledger = new IngestLedger(bootstrap, ledgerTopic, brokerTimeout);
        Admin createdAdmin = null;
        KafkaProducer<String, byte[]> createdProducer = null;
        try {
            createdAdmin = Admin.create(TopicAdmin.adminProps(bootstrap, brokerTimeout));
            createdProducer = new KafkaProducer<>(producerProps(bootstrap, transactionalId, brokerTimeout),
                    new StringSerializer(),
                    new ByteArraySerializer());
            createdProducer.initTransactions();
        } catch (RuntimeException e) {
            if (createdProducer != null) {
                createdProducer.close(Duration.ZERO);
            }
            if (createdAdmin != null) {
                createdAdmin.close();
            }
            ledger.close();
            throw new IllegalStateException("cannot start transactional producer " + transactionalId + " for topic "
                    + topic + " at " + bootstrap + ": " + describe(e), e);
        }
        this.admin = createdAdmin;
        this.producer = createdProducer;
    }

    /** The conventional transactional id for ingesting into {@code topic}: one logical ingester per topic. */
    public static String transactionalIdFor(String topic) {
        return "mtrr-ingest." + topic;
    }

    /** The events topic. */
    public String topic() {
        return topic;
    }

    /** Looks a digest up in the ingest ledger (reading what was committed since the last lookup). */
    public Optional<IngestSummary> lookup(IngestDigest digest) {
        return ledger.lookup(digest);
    }

    /**
     * Publishes one file's records in one transaction, unless its digest is in the ingest ledger already.
     * Returns once the transaction is committed and visible to {@code read_committed} consumers.
     *
     * @param digest    SHA-256 of the file's bytes (see {@link IngestDigest#sha256(java.nio.file.Path)})
     * @param label     name for messages and the ledger (e.g. the path given on the command line)
     * @param records   the events, in the order they should keep per VM; consumed lazily, so a file never
     *                  has to fit in memory
     * @param progress  told the running count every {@code progressInterval} records
     * @throws IngestFailedException if anything failed; nothing of the file is visible to readers then
     */
    public PublishOutcome publishFile(IngestDigest digest, String label, Iterator<KeyedRecord> records,
                                      ProgressListener progress) {
        if (fatalFailure != null) {
            throw new IllegalStateException("publisher " + transactionalId + " for " + topic + " at " + bootstrap
                    + " is unusable after an earlier fatal error (" + fatalFailure + "); create a new one");
        }
        Optional<IngestSummary> earlier = ledger.lookup(digest);
        if (earlier.isPresent()) {
            return new PublishOutcome.AlreadyIngested(earlier.get());
        }
        OffsetTracker tracker = new OffsetTracker();
        long sent = 0;
        try {
            producer.beginTransaction();
            while (records.hasNext()) {
                KeyedRecord r = records.next();
                producer.send(new ProducerRecord<>(topic, r.key(), r.value()), tracker);
                sent++;
                tracker.throwIfFailed(); // a volatile read: a lost broker stops the file at once, not N sends later
                if (sent % progressInterval == 0) {
                    progress.onProgress(sent);
                }
            }
            producer.flush();
            tracker.throwIfFailed();
            progress.onProgress(sent);
            IngestSummary summary = new IngestSummary(digest, label, topic, sent, tracker.ranges(), Instant.now());
            Future<RecordMetadata> ledgerWrite = producer.send(
                    new ProducerRecord<>(ledgerTopic, digest.hex(), summary.toJson()));
            producer.commitTransaction();
            RecordMetadata ledgerMeta = ledgerWrite.get();
            ledger.remember(summary);
            awaitVisible(summary, ledgerMeta);
            return new PublishOutcome.Published(summary);
        } catch (RuntimeException | Error | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            abortOrClose(cause);
            throw new IngestFailedException("publishing " + label + " (" + digest.shortHex() + ") to topic " + topic
                    + " at " + bootstrap + " failed after " + sent + " records; its transaction was aborted, nothing"
                    + " of it is visible: " + describe(cause), label, sent, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortOrClose(e);
            throw new IngestFailedException("publishing " + label + " to topic " + topic + " at " + bootstrap
                    + " was interrupted; its transaction was aborted", label, sent, e);
        }
    }

    /**
     * Closes the producer (an open transaction is aborted by the broker when the next producer with this
     * transactional id starts, or after {@link #TRANSACTION_TIMEOUT}), the admin client and the ledger reader.
     */
    @Override
    public void close() {
        if (!producerClosed) {
            producerClosed = true;
            producer.close(Duration.ofSeconds(10));
        }
        admin.close(Duration.ofSeconds(5));
        ledger.close();
    }

    /**
     * After a failure: abort the transaction if the producer can, otherwise close it for good. Fatal errors
     * (fenced by a newer producer with the same id, lost sequence, no authorisation) leave the producer
     * unusable by design; the broker aborts the transaction itself when the id is next initialised.
     */
    private void abortOrClose(Throwable cause) {
        if (isFatal(cause)) {
            fatalFailure = cause.toString();
            producerClosed = true;
            producer.close(Duration.ZERO);
            return;
        }
        try {
            producer.abortTransaction();
        } catch (KafkaException abortFailure) {
            cause.addSuppressed(abortFailure);
            fatalFailure = "abort failed: " + abortFailure;
            producerClosed = true;
            producer.close(Duration.ZERO);
        }
    }

    /** The cause, saying so plainly when it is the broker that stopped answering. */
    private String describe(Throwable cause) {
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c instanceof org.apache.kafka.common.errors.TimeoutException) {
                return "lost the Kafka broker at " + bootstrap + ": no answer within " + brokerTimeout.toMillis()
                        + " ms (the broker timeout) (" + cause + ")";
            }
        }
        return cause.toString();
    }

    private static boolean isFatal(Throwable t) {
        return t instanceof ProducerFencedException || t instanceof OutOfOrderSequenceException
                || t instanceof InvalidProducerEpochException || t instanceof AuthorizationException
                || t instanceof UnsupportedVersionException;
    }

    /**
     * {@code commitTransaction()} returns once the coordinator has decided to commit; the commit markers reach
     * the partitions a moment later. Until then the last stable offset has not moved and {@code read_committed}
     * readers (and the ledger lookup of the next file) do not see the records. Waiting here makes "publishFile
     * returned" mean "readers see it".
     */
    private void awaitVisible(IngestSummary summary, RecordMetadata ledgerMeta)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> needed = new HashMap<>();
        summary.partitions().forEach((p, r) -> needed.put(new TopicPartition(topic, p), r.last() + 1));
        needed.put(new TopicPartition(ledgerTopic, ledgerMeta.partition()), ledgerMeta.offset() + 1);
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        needed.keySet().forEach(tp -> request.put(tp, OffsetSpec.latest()));
        ListOffsetsOptions committed = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
        long deadline = System.nanoTime() + VISIBILITY_TIMEOUT.toNanos();
        while (true) {
            boolean visible;
            try {
                visible = reached(admin.listOffsets(request, committed).all().get(10, TimeUnit.SECONDS), needed);
            } catch (java.util.concurrent.TimeoutException e) {
                visible = false;
            }
            if (visible || System.nanoTime() > deadline) {
                return; // committed either way; a slow marker only delays visibility
            }
            Thread.sleep(5);
        }
    }

    private static boolean reached(Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> stable,
                                   Map<TopicPartition, Long> needed) {
        for (Map.Entry<TopicPartition, Long> e : needed.entrySet()) {
            ListOffsetsResult.ListOffsetsResultInfo info = stable.get(e.getKey());
            if (info == null || info.offset() < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static Properties producerProps(String bootstrap, String transactionalId, Duration brokerTimeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "mtrr-publisher-" + transactionalId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT.toMillis()));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        long t = brokerTimeout.toMillis();
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(t));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(t));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(t + 20)); // >= linger + request timeout
        return p;
    }

    /**
     * Collects per-partition first/last offsets from the acknowledgements. A callback rather than keeping
     * every send's {@code Future<RecordMetadata>}: same metadata, but constant memory for a file of millions
     * of records. Callbacks run on the producer's I/O thread; {@code flush()} returns only after they ran.
     */
    private static final class OffsetTracker implements Callback {
        private final Map<Integer, long[]> byPartition = new HashMap<>(); // {first, last, count}
        private volatile Exception firstError;

        @Override
        public synchronized void onCompletion(RecordMetadata metadata, Exception exception) {
            if (exception != null) {
                if (firstError == null) {
                    firstError = exception;
                }
                return;
            }
            long offset = metadata.offset();
            long[] range = byPartition.get(metadata.partition());
            if (range == null) {
                byPartition.put(metadata.partition(), new long[] {offset, offset, 1});
            } else {
                range[0] = Math.min(range[0], offset);
                range[1] = Math.max(range[1], offset);
                range[2]++;
            }
        }

        void throwIfFailed() {
            if (firstError instanceof KafkaException) {
                throw (KafkaException) firstError;
            }
            if (firstError != null) {
                throw new KafkaException("send failed", firstError);
            }
        }

        synchronized SortedMap<Integer, OffsetRange> ranges() {
            SortedMap<Integer, OffsetRange> out = new TreeMap<>();
            byPartition.forEach((p, r) -> out.put(p, new OffsetRange(r[0], r[1], r[2])));
            return out;
        }
    }
}
