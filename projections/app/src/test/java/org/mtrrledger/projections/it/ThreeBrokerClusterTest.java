package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.EngineProgress;
import org.mtrrledger.engine.consume.LedgerEngine;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.events.kafka.EventPublisher;
import org.mtrrledger.events.kafka.IngestDigest;
import org.mtrrledger.events.kafka.IngestFailedException;
import org.mtrrledger.events.kafka.KeyedRecord;
import org.mtrrledger.events.kafka.TopicAdmin;
import org.mtrrledger.events.kafka.TopicReader;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * Three brokers (separate JVMs, KRaft, loopback): the project's topics come out replicated 3 ways with
 * {@code min.insync.replicas} 2, and SIGKILLing a partition's leader in the middle of an ingest and again in the
 * middle of a fold loses nothing and doubles nothing: the topic holds each event of the file once, in order per
 * VM, and the fold resumes after the election and ends with one outcome per record.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ThreeBrokerClusterTest {
    private static final String TOPIC = "cluster.events";
    private static final long SEED = 31L;
    private static final int VMS = 60;
    private static final Path LOGS = ItSupport.logDir(ThreeBrokerClusterTest.class);

    @TempDir
    Path dir;

    @Test
    void shouldLoseAndDoubleNothingWhenALeaderDiesDuringAnIngestAndDuringAFold() throws Exception {
        long t0 = System.nanoTime();
        try (KraftCluster cluster = new KraftCluster(dir.resolve("cluster"), LOGS, 3); Admin admin = cluster.admin()) {
            cluster.awaitBrokers(3, 120_000);
            String bootstrap = cluster.bootstrap();
            log("3 brokers up after %d ms", ms(t0));
            TopicAdmin.ensureTopic(bootstrap, TOPIC, 2);
            TopicAdmin.ensureIngestLedger(bootstrap, TopicAdmin.ledgerTopicOf(TOPIC));
            for (String topic : List.of(TOPIC, TopicAdmin.ledgerTopicOf(TOPIC))) {
                for (TopicPartitionInfo p : describe(admin, topic).partitions()) {
                    assertEquals(3, p.replicas().size(), topic + " " + p);
                }
                ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config c = admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r);
                assertEquals("2", c.get("min.insync.replicas").value(), topic);
            }

            // Ingest: one file, one transaction; the leader of partition 0 dies a third of the way through.
            EventCodec codec = new EventCodec();
            List<KeyedRecord> records = new ArrayList<>();
            BootLogGenerator.iterator(ItSupport.fleet(SEED, VMS)).forEachRemaining(
                    (MtrrEvent e) -> records.add(new KeyedRecord(e.getVm(), codec.encode(e))));
            IngestDigest digest = IngestDigest.sha256("cluster-file".getBytes(StandardCharsets.UTF_8));
            int[] killed = {0};
            int killAt = records.size() / 3;
            long t1 = System.nanoTime();
            boolean published = false;
            for (int attempt = 1; !published; attempt++) {
                try (EventPublisher pub = new EventPublisher(bootstrap, TOPIC, EventPublisher.transactionalIdFor(TOPIC),
                        1_000, Duration.ofSeconds(30))) {
                    pub.publishFile(digest, "cluster-file", records.iterator(), sent -> {
                        if (sent >= killAt && killed[0] == 0) {
                            killed[0] = leader(admin, 0);
                            killLogged(cluster, killed[0], "ingest, after " + sent + " of " + records.size());
                        }
                    });
                    published = true;
                } catch (IngestFailedException e) {
                    // Allowed once (the coordinator may have died with the leader): nothing of it is visible,
                    // and the same file is published again; the digest keeps it from being doubled.
                    assertTrue(attempt < 2, "the ingest failed twice: " + e);
                    log("ingest attempt %d failed, retrying: %s", attempt, e.getMessage());
                }
            }
            assertTrue(killed[0] != 0, "no leader was killed during the ingest");
            log("published %,d events in %d ms", records.size(), ms(t1));
            assertEquals(byVm(records, KeyedRecord::key, KeyedRecord::value), byVm(TopicReader.readAll(bootstrap,
                    TOPIC), ConsumerRecord::key, ConsumerRecord::value),
                    "the topic must hold every event of the file once, in order per VM");

            cluster.start(killed[0]);
            cluster.awaitBrokers(3, 120_000);
            awaitFullIsr(admin, TOPIC);

            // Fold: the leader of a partition still being folded dies once the engine has stored some of it.
            Map<Integer, TreeSet<Long>> offsets = ItSupport.recordOffsets(bootstrap, TOPIC);
            Map<Integer, Long> complete = ItSupport.completeOffsets(offsets);
            ExecutorService ex = Executors.newSingleThreadExecutor();
            try (LedgerStore store = LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY, PolicyProjection.OUTPUTS);
                    LedgerEngine engine = new LedgerEngine(bootstrap, new EngineConfig(TOPIC, "cluster-fold", 97,
                            PoisonPolicy.FAIL, Duration.ofSeconds(10)), store, new Pipeline(new PolicyProjection()))) {
                long t2 = System.nanoTime();
                Future<LedgerEngine.RunSummary> run = ex.submit(() -> engine.run(StopCondition.FOLLOW,
                        EngineProgress.NONE));
                Map<Integer, Long> stored = ItSupport.storedOffsets(store, TOPIC, 2);
                while (stored.isEmpty()) {
                    assertTrue(System.nanoTime() - t2 < 90_000_000_000L, "the engine folded nothing");
                    Thread.sleep(5);
                    stored = ItSupport.storedOffsets(store, TOPIC, 2);
                }
                int behind = stored.getOrDefault(0, 0L) < complete.get(0) ? 0 : 1;
                long foldedAtKill = ItSupport.foldedRecords(offsets, stored);
                assertTrue(foldedAtKill < records.size(), "the fold was over before the kill: make the log bigger");
                killLogged(cluster, leader(admin, behind), "fold, after " + foldedAtKill + " of " + records.size()
                        + " records (partition " + behind + " behind)");
                while (!ItSupport.storedOffsets(store, TOPIC, 2).equals(complete)) {
                    assertFalse(run.isDone(), "the engine stopped");
                    assertTrue(System.nanoTime() - t2 < 120_000_000_000L, "the fold did not resume: at "
                            + ItSupport.storedOffsets(store, TOPIC, 2) + " of " + complete);
                    Thread.sleep(50);
                }
                log("fold with a leader election: %d ms", ms(t2));
                engine.stop();
                run.get(60, TimeUnit.SECONDS);
                assertEquals(offsets, ItSupport.eventKeys(store), "one outcome per record of the topic");
            } finally {
                ex.shutdownNow();
            }
        }
        log("whole test: %d ms", ms(t0));
    }

    private static TopicDescription describe(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    }

    /** The node id leading partition {@code p} of the events topic, waiting out an election in progress. */
    private static int leader(Admin admin, int p) {
        try {
            for (int i = 0; i < 300; i++) {
                var l = describe(admin, TOPIC).partitions().get(p).leader();
                if (l != null && !l.isEmpty()) {
                    return l.id();
                }
                Thread.sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot find the leader of partition " + p, e);
        }
        throw new IllegalStateException("partition " + p + " has no leader");
    }

    private static void awaitFullIsr(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!describe(admin, topic).partitions().stream().allMatch(p -> p.isr().size() == 3)) {
            assertTrue(System.nanoTime() < deadline, "the restarted broker did not rejoin the ISR");
            Thread.sleep(100);
        }
    }

    private static void killLogged(KraftCluster cluster, int node, String when) {
        try {
            cluster.kill(node);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        log("SIGKILLed node %d, the leader, during the %s", node, when);
    }

    /** The values of each VM's records, in order. */
    private static <T> Map<String, List<String>> byVm(List<T> records, Function<T, String> key,
            Function<T, byte[]> value) {
        Map<String, List<String>> out = new TreeMap<>();
        records.forEach(r -> out.computeIfAbsent(key.apply(r), k -> new ArrayList<>()).add(HexFormat.of()
                .formatHex(value.apply(r))));
        return out;
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static void log(String fmt, Object... args) {
        System.out.printf("[cluster-it] " + fmt + "%n", args);
    }
}
