package org.mtrrledger.events.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the events topic and its ingest ledger, and waits until they can really be written.
 *
 * <p>Why the wait: {@code createTopics} returns when the controller has recorded the topic, before every
 * partition has a leader that serves requests. An idempotent producer writing in that window can wedge with
 * {@code OutOfOrderSequenceException}; so both {@code ensure*} methods return only once
 * {@code listOffsets(latest)} answers for every partition.
 *
 * <p>Replication: on a cluster of {@value #REPLICATED_CLUSTER} or more brokers both topics are created with
 * replication factor {@value #REPLICATED_CLUSTER} and {@code min.insync.replicas} {@value #MIN_INSYNC}, so that
 * losing one broker loses no acknowledged record ({@code acks=all}) and stops no writer; on a smaller cluster (the
 * embedded broker) the broker's defaults apply.
 */
public final class TopicAdmin {

    static {
        KafkaLogDefaults.apply();
    }

    /** Suffix of the ingest ledger topic: {@code <events topic>.ingests}. */
    public static final String LEDGER_SUFFIX = ".ingests";

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** From this many brokers on, topics are created replicated (see the class comment). */
    public static final int REPLICATED_CLUSTER = 3;
    /** {@code min.insync.replicas} of a replicated topic. */
    public static final int MIN_INSYNC = 2;

    private TopicAdmin() {
    }

    /** The ingest ledger topic of an events topic. */
    public static String ledgerTopicOf(String eventsTopic) {
        return eventsTopic + LEDGER_SUFFIX;
    }

    /**
     * Makes sure the events topic exists: creates it with {@code partitions} partitions and unlimited
     * retention ({@code retention.ms=-1}, {@code retention.bytes=-1}: the topic is the audit log) if absent.
     * An existing topic is left as it is, whatever its partition count; the returned {@link TopicInfo} says
     * so. Returns after every partition answers {@code listOffsets}.
     *
     * @throws IllegalStateException naming the bootstrap address and topic if the cluster cannot be reached
     *     or refuses
     */
    public static TopicInfo ensureTopic(String bootstrap, String name, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1, got " + partitions + " for topic " + name);
        }
        return ensure(bootstrap, name, partitions, Map.of(
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1",
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE));
    }

    /**
     * Makes sure the ingest ledger topic exists: one partition, {@code cleanup.policy=compact}. It holds one
     * record per ingested file (key = SHA-256 hex of the file); compaction keeps it small forever while never
     * losing the latest record of a key. One partition so that it can be read in full cheaply and in order.
     */
    public static TopicInfo ensureIngestLedger(String bootstrap, String ledgerTopic) {
        return ensure(bootstrap, ledgerTopic, 1, Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.RETENTION_BYTES_CONFIG, "-1"));
    }

    /** Describes an existing topic; empty if it does not exist. */
    public static Optional<TopicInfo> describe(String bootstrap, String name) {
        try (Admin admin = Admin.create(adminProps(bootstrap))) {
            return describe(admin, bootstrap, name, -1, false);
        }
    }

    private static TopicInfo ensure(String bootstrap, String name, int partitions, Map<String, String> configs) {
        try (Admin admin = Admin.create(adminProps(bootstrap))) {
            boolean created;
            try {
                int brokers = admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).size();
                Map<String, String> all = new HashMap<>(configs);
                Optional<Short> replication = Optional.empty();
                if (brokers >= REPLICATED_CLUSTER) {
                    replication = Optional.of((short) REPLICATED_CLUSTER);
                    all.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(MIN_INSYNC));
                }
                admin.createTopics(List.of(new NewTopic(name, Optional.of(partitions), replication).configs(all)))
                        .all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                created = true;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw failure("cannot create topic " + name, bootstrap, e.getCause());
                }
                created = false;
            }
            // The controller has the topic once createTopics returns, but the broker's metadata cache may not
            // yet: describeTopics can answer "unknown topic" for a moment. Retry before calling it missing.
            Optional<TopicInfo> described = describe(admin, bootstrap, name, partitions, created);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (described.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
                described = describe(admin, bootstrap, name, partitions, created);
            }
            if (described.isEmpty()) {
                throw new IllegalStateException("topic " + name + " at " + bootstrap + " is still unknown to the "
                        + "broker " + TIMEOUT.toSeconds() + " s after " + (created ? "it was created"
                        : "creation reported that it exists"));
            }
            TopicInfo info = described.get();
            awaitWritable(admin, bootstrap, name, info.partitions());
            return info;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name + " at " + bootstrap, e);
        } catch (TimeoutException e) {
            throw failure("timed out creating topic " + name, bootstrap, e);
        }
    }

    private static Optional<TopicInfo> describe(Admin admin, String bootstrap, String name, int requested,
                                                boolean created) {
        try {
            TopicDescription d = admin.describeTopics(List.of(name)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(name);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            Function<String, String> value = key -> config.get(key) == null ? null : config.get(key).value();
            int actual = d.partitions().size();
            return Optional.of(new TopicInfo(name, actual, requested < 0 ? actual : requested, created,
                    parseLong(value.apply(TopicConfig.RETENTION_MS_CONFIG)),
                    parseLong(value.apply(TopicConfig.RETENTION_BYTES_CONFIG)),
                    Optional.ofNullable(value.apply(TopicConfig.CLEANUP_POLICY_CONFIG)).orElse("delete")));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw failure("cannot describe topic " + name, bootstrap, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + name + " at " + bootstrap, e);
        } catch (TimeoutException e) {
            throw failure("timed out describing topic " + name, bootstrap, e);
        }
    }

    /** Polls {@code listOffsets(latest)} until every partition answers (see class comment). */
    static void awaitWritable(Admin admin, String bootstrap, String topic, int partitions)
            throws InterruptedException {
        Map<TopicPartition, OffsetSpec> request = IntStream.range(0, partitions).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            try {
                admin.listOffsets(request).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                last = e.getCause();
            } catch (TimeoutException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw failure("partitions of topic " + topic + " did not become available within " + TIMEOUT.toSeconds()
                + " s", bootstrap, last);
    }

    static Properties adminProps(String bootstrap) {
        return adminProps(bootstrap, TIMEOUT);
    }

    static Properties adminProps(String bootstrap, Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "mtrr-admin");
        // An unreachable bootstrap address must end in an error naming it, not in a hang.
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.min(timeout.toMillis(), 30_000)));
        return p;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static IllegalStateException failure(String what, String bootstrap, Throwable cause) {
        return new IllegalStateException(what + " at " + bootstrap + ": " + cause, cause);
    }
}
