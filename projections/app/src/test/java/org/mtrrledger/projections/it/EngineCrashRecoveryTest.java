package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.StoreDigest;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * SIGKILLs a child engine JVM at random points of a fold (a seeded random 0.5-3 s after its first committed batch,
 * earlier if it has folded a third of what was left), restarts it on the same store each time, lets the last
 * incarnation run to the end with {@code --until-idle}, and compares the store with an uninterrupted fold of the
 * same topic: the offsets committed in the same RocksDB batch as the state must make the crashes invisible, and
 * EVENTS must hold exactly one outcome per record of the topic (no duplicate, none missing).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class EngineCrashRecoveryTest extends WithEmbeddedBroker {
    private static final long SEED = 20240611L;
    private static final int VMS = 180;
    private static final int PARTITIONS = 4;
    private static final String TOPIC = "crash.events";
    private static final int MAX_KILLS = 8;
    private static final int WANTED_MID_FOLD_KILLS = 3;
    /** Small enough that VMs (a few hundred events each) get checkpoints, which are compared too. */
    private static final String CHECKPOINT_EVERY = "97";

    private static final Path LOGS = ItSupport.logDir(EngineCrashRecoveryTest.class);

    @Test
    void shouldEndWithTheUninterruptedStoreAfterRandomSigkillsAndRestarts() throws Exception {
        String bootstrap = broker.bootstrap();
        long published = ItSupport.publish(bootstrap, TOPIC, PARTITIONS, ItSupport.fleet(SEED, VMS), 30_000);
        Map<Integer, TreeSet<Long>> records = ItSupport.recordOffsets(bootstrap, TOPIC);
        assertEquals(published, records.values().stream().mapToLong(TreeSet::size).sum());
        assertEquals(PARTITIONS, records.size(), "every partition has records: " + ItSupport.summarize(records));
        Map<Integer, Long> complete = ItSupport.completeOffsets(records);
        log("published %,d events (%s)", published, ItSupport.summarize(records));

        // The reference: one uninterrupted fold, in process.
        Path refData = dir.resolve("reference");
        ItSupport.cliOk("run", "--until-idle", "--bootstrap", bootstrap, "--topic", TOPIC, "--data",
                refData.toString(), "--group", "reference", "--checkpoint-every", CHECKPOINT_EVERY);

        // The victim: child JVMs on one store, SIGKILLed after a random 0.5-3 s, restarted.
        Random random = new Random(SEED);
        Path data = dir.resolve("killed");
        Path store = data.resolve("store");
        List<String> progress = new ArrayList<>();
        long before = 0;
        int midFold = 0;
        for (int i = 0; i < MAX_KILLS && midFold < WANTED_MID_FOLD_KILLS; i++) {
            ItSupport.Child child = engine("engine-" + i, data, group(i));
            // The random delay counts from this incarnation's first committed batch, so that the kill lands in
            // the fold rather than in JVM start-up or the consumer group join.
            long delay = 500 + random.nextInt(2_500);
            try (ItSupport.StoreWatcher w = new ItSupport.StoreWatcher(store, dir.resolve("secondary-" + i))) {
                awaitProgress(child, w, records, before, Duration.ofSeconds(90));
                awaitKillPoint(w, records, before, published, delay);
            }
            if (!child.process.isAlive()) {
                fail("engine-" + i + " exited by itself (" + child.process.exitValue() + ")\n" + child.output());
            }
            child.kill();
            Map<Integer, Long> stored;
            try (LedgerStore crashed = LedgerStore.open(store, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS)) {
                stored = ItSupport.storedOffsets(crashed, TOPIC, PARTITIONS);
                // Offsets and outcomes are written in one batch: after the crash, EVENTS holds exactly the records
                // below the stored offsets.
                Map<Integer, TreeSet<Long>> below = new TreeMap<>();
                stored.forEach((p, next) -> below.put(p, new TreeSet<>(records.get(p).headSet(next))));
                below.values().removeIf(TreeSet::isEmpty);
                assertEquals(below, ItSupport.eventKeys(crashed), "after kill " + i + ": EVENTS vs stored offsets "
                        + stored);
            }
            long folded = ItSupport.foldedRecords(records, stored);
            boolean done = stored.equals(complete);
            progress.add(String.format("kill %d (at most %d ms after the first batch) at %,d of %,d records %s", i,
                    delay, folded, published, stored));
            log("%s", progress.get(progress.size() - 1));
            assertTrue(folded >= before, "a kill rolled the store back: " + progress);
            if (folded > before && !done) {
                midFold++;
            }
            before = folded;
            if (done) {
                break;
            }
        }
        assertTrue(midFold >= 2, "fewer than 2 kills landed in the middle of the fold (make the log bigger): "
                + progress);

        ItSupport.Child last = engine("engine-final", data, group(MAX_KILLS), "--until-idle");
        int code = last.awaitExit(Duration.ofSeconds(120));
        assertEquals(0, code, () -> "final run --until-idle failed\n" + last.output());
        log("final run to the end: %s", last.output().replace('\n', ' '));

        try (LedgerStore killed = LedgerStore.open(store, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
                LedgerStore ref = LedgerStore.open(refData.resolve("store"), OpenMode.READ_ONLY,
                        PolicyProjection.OUTPUTS)) {
            assertEquals(complete, ItSupport.storedOffsets(killed, TOPIC, PARTITIONS), "stored next offsets");
            assertEquals(records, ItSupport.eventKeys(killed),
                    "EVENTS must hold exactly one outcome per record offset of the topic");
            assertEquals(records, ItSupport.eventKeys(ref), "reference EVENTS keys");
            Map<Column, StoreDigest.Table> d = ItSupport.digest(ref);
            log("reference store: %s", d);
            assertTrue(d.get(PolicyProjection.ZAPS.column()).entries() > 0, "the log should produce zaps: " + d);
            assertTrue(d.get(PolicyProjection.HAZARDS.column()).entries() > 0, "the log should produce hazards: " + d);
            assertTrue(d.get(Column.CHECKPOINTS).entries() > 0, "the log should produce checkpoints: " + d);
            assertEquals(VMS, d.get(Column.VM_STATE).entries(), "one state per VM");
        }
        ItSupport.assertSameFold(refData.resolve("store"), store, "killed-and-restarted vs uninterrupted fold");
    }

    private static ItSupport.Child engine(String name, Path data, String group, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "--bootstrap", broker.bootstrap(), "--topic", TOPIC,
                "--data", data.toString(), "--group", group, "--checkpoint-every", CHECKPOINT_EVERY));
        args.addAll(List.of(more));
        return ItSupport.startCli(LOGS, name, args);
    }

    /**
     * The consumer group of the i-th incarnation. The engine resumes from the offsets in its store, never from the
     * group's committed offsets, so the group only decides who gets which partitions. A fresh group per incarnation
     * keeps the test fast: restarting in the SAME group after a SIGKILL waits until the dead member's session
     * times out (session.timeout.ms, 45 s by default; measured 45-49 s per restart here) before any partition is
     * assigned again.
     */
    private static String group(int incarnation) {
        return "g1-" + incarnation;
    }

    /**
     * Waits {@code delay} ms, or less if the child has meanwhile folded more than a third of what was left when it
     * started: on a fast machine the whole fold takes only a few seconds, and a kill after the end proves nothing.
     */
    private static void awaitKillPoint(ItSupport.StoreWatcher w, Map<Integer, TreeSet<Long>> records, long before,
            long total, long delay) {
        long earlyKillAt = before + (total - before) / 3;
        try {
            Awaitility.await().atMost(Duration.ofMillis(delay)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> ItSupport.foldedRecords(records, w.offsets(TOPIC, PARTITIONS)) > earlyKillAt);
        } catch (ConditionTimeoutException e) {
            // the drawn delay is up: kill now
        }
    }

    /** Waits until the child has committed a batch beyond {@code before} folded records. */
    private static void awaitProgress(ItSupport.Child child, ItSupport.StoreWatcher w,
            Map<Integer, TreeSet<Long>> records, long before, Duration timeout) {
        ItSupport.await(child, "fold beyond " + before + " records", timeout,
                () -> ItSupport.foldedRecords(records, w.offsets(TOPIC, PARTITIONS)) > before);
    }

    private static void log(String fmt, Object... args) {
        System.out.printf("[crash-it] " + fmt + "%n", args);
    }
}
