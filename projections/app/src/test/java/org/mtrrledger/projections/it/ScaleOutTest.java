package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.StoreDigest;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.gen.BootLogGenerator;
import org.mtrrledger.projections.ledger.PolicyProjection;

/**
 * Two engine processes in one consumer group, each with its own store, fold a 4-partition fleet log concurrently.
 * A has folded the first half of every VM's events alone beforehand; then B starts on the whole log, A joins, and
 * the rebalance splits the partitions, so both stores hold some VMs (a stale and a current version). Per partition, the store with the highest stored
 * offset is its owner; the owners' contents together must equal a single-process fold of the same topic.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ScaleOutTest extends WithEmbeddedBroker {
    private static final long SEED = 77L;
    private static final int VMS = 150;
    private static final int PARTITIONS = 4;
    private static final String TOPIC = "scale.events";
    private static final String CHECKPOINT_EVERY = "97";
    private static final String GROUP = "g1";
    private static final Path LOGS = ItSupport.logDir(ScaleOutTest.class);

    @Test
    void shouldSplitTheFleetBetweenTwoEnginesWhoseUnionEqualsASingleProcessFold() throws Exception {
        String bootstrap = broker.bootstrap();
        // The first half of every VM's events, then the second halves: in between, A folds the first halves alone.
        List<MtrrEvent> all = new ArrayList<>();
        BootLogGenerator.iterator(ItSupport.fleet(SEED, VMS)).forEachRemaining(all::add);
        Map<String, Integer> perVm = new HashMap<>();
        all.forEach(e -> perVm.merge(e.getVm(), 1, Integer::sum));
        Map<String, Integer> seen = new HashMap<>();
        List<MtrrEvent> first = new ArrayList<>();
        List<MtrrEvent> second = new ArrayList<>();
        for (MtrrEvent e : all) {
            int i = seen.merge(e.getVm(), 1, Integer::sum);
            (i <= perVm.get(e.getVm()) / 2 ? first : second).add(e);
        }
        ItSupport.publish(bootstrap, TOPIC, PARTITIONS, "first-halves", first.iterator(), 20_000);
        Path aData = dir.resolve("a");
        ItSupport.cliOk("run", "--until-idle", "--bootstrap", bootstrap, "--topic", TOPIC, "--data", aData.toString(),
                "--group", GROUP, "--checkpoint-every", CHECKPOINT_EVERY);
        Map<Integer, Long> afterFirst = ItSupport.storedOffsets(aData.resolve("store"), TOPIC, PARTITIONS);
        ItSupport.publish(bootstrap, TOPIC, PARTITIONS, "second-halves", second.iterator(), 20_000);
        Map<Integer, TreeSet<Long>> records = ItSupport.recordOffsets(bootstrap, TOPIC);
        assertEquals(all.size(), ItSupport.foldedRecords(records, ItSupport.completeOffsets(records)));
        assertEquals(PARTITIONS, records.size(), "every partition has records: " + ItSupport.summarize(records));
        Map<Integer, Long> complete = ItSupport.completeOffsets(records);
        log("published %,d events (%s); A folded the first halves alone: %s", all.size(),
                ItSupport.summarize(records), afterFirst);

        Path refStore = dir.resolve("reference").resolve("store");
        ItSupport.cliOk("run", "--until-idle", "--bootstrap", bootstrap, "--topic", TOPIC, "--data",
                refStore.getParent().toString(), "--group", "reference", "--checkpoint-every", CHECKPOINT_EVERY);

        List<Path> stores = List.of(aData.resolve("store"), dir.resolve("b").resolve("store"));
        ItSupport.Child[] engines = new ItSupport.Child[2];
        List<ItSupport.StoreWatcher> watchers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                watchers.add(new ItSupport.StoreWatcher(stores.get(i), dir.resolve("secondary-" + i)));
            }
            // B first: it gets all four partitions and starts refolding them from offset 0. A joins once B has
            // committed a batch; the rebalance gives A two partitions, which it resumes from its own stored offsets,
            // and leaves B the other two. A's store keeps its first-half states of B's VMs: stale copies that the
            // union below must not pick.
            engines[1] = start(bootstrap, "engine-b", stores.get(1));
            awaitFirstBatch(engines[1], watchers.get(1), Duration.ofSeconds(90));
            engines[0] = start(bootstrap, "engine-a", stores.get(0));
            awaitGroupCaughtUp(bootstrap, List.of(engines), watchers, complete, Duration.ofSeconds(120));
        } finally {
            watchers.forEach(ItSupport.StoreWatcher::close);
            for (ItSupport.Child e : engines) {
                if (e != null && e.process.isAlive()) {
                    e.process.destroy(); // SIGTERM: the shutdown hook stops the loop and closes the store
                }
            }
            for (ItSupport.Child e : engines) {
                if (e == null) {
                    continue;
                }
                if (!e.process.waitFor(30, TimeUnit.SECONDS)) {
                    e.kill();
                    fail(e.name + " did not stop within 30 s of SIGTERM\n" + e.output());
                }
                log("%s exited %d: %s", e.name, e.process.exitValue(), e.output().replace('\n', ' '));
            }
        }
        for (ItSupport.Child e : engines) {
            // The engine stops cleanly on SIGTERM: its run loop returns and it prints its summary.
            assertTrue(e.stdoutText().contains(" events ("), e.name + " printed no summary\n" + e.output());
        }

        try (LedgerStore ref = LedgerStore.open(refStore, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
                LedgerStore a = LedgerStore.open(stores.get(0), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
                LedgerStore b = LedgerStore.open(stores.get(1), OpenMode.READ_ONLY, PolicyProjection.OUTPUTS)) {
            List<LedgerStore> engineStores = List.of(a, b);
            List<Map<Integer, Long>> offsets = List.of(ItSupport.storedOffsets(a, TOPIC, PARTITIONS),
                    ItSupport.storedOffsets(b, TOPIC, PARTITIONS));
            log("stored offsets: A %s, B %s; complete %s", offsets.get(0), offsets.get(1), complete);

            // Owners of a partition: the store(s) with the highest stored offset for it, which must be its end. A
            // partition folded to the end by both engines (it moved after one had finished it) has two owners, and
            // both must agree with the single-process run.
            Map<Integer, List<Integer>> owners = new TreeMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                long max = Math.max(offsets.get(0).getOrDefault(p, -1L), offsets.get(1).getOrDefault(p, -1L));
                assertEquals(complete.get(p), max, "partition " + p + " folded to its end by one of the engines");
                for (int i = 0; i < 2; i++) {
                    if (offsets.get(i).getOrDefault(p, -1L) == max) {
                        owners.computeIfAbsent(p, k -> new ArrayList<>()).add(i);
                    }
                }
            }
            log("owners: %s (0 = A, 1 = B)", owners);
            for (int i = 0; i < 2; i++) {
                final int engine = i;
                assertTrue(owners.values().stream().anyMatch(o -> o.contains(engine)),
                        "engine " + "AB".charAt(i) + " folded no partition to its end: the fold was not shared "
                                + offsets);
            }

            // Every VM of the single-process run, compared with its partition's owner(s).
            int vms = 0;
            int inBoth = 0;
            int stale = 0;
            VmStateTable<byte[]> refStates = new VmStateTable<>(ref, ValueCodec.BYTES);
            List<VmStateTable<byte[]>> states = engineStores.stream()
                    .map(s -> new VmStateTable<>(s, ValueCodec.BYTES)).toList();
            for (Map.Entry<String, byte[]> e : refStates.all().entrySet()) {
                String vm = e.getKey();
                int partition = VmLedger.decode(e.getValue(), Projection.NONE).partition();
                if (states.get(0).contains(vm) && states.get(1).contains(vm)) {
                    inBoth++;
                    if (owners.get(partition).size() == 1) {
                        stale++; // the other store folded part of this VM before the partition moved
                    }
                }
                for (int o : owners.get(partition)) {
                    LedgerStore own = engineStores.get(o);
                    String who = vm + " (partition " + partition + ", engine " + "AB".charAt(o) + ")";
                    byte[] state = states.get(o).get(vm);
                    assertNotNull(state, who + " is missing from its owner");
                    assertArrayEquals(e.getValue(), state, who + ": state differs from the single-process run");
                    for (Column c : List.of(PolicyProjection.ZAPS.column(), PolicyProjection.HAZARDS.column(),
                            Column.CHECKPOINTS, Column.EVENTS)) {
                        assertNull(StoreDigest.firstDifference(ref, own, c, vm),
                                who + ": " + c + " differs from the single-process run");
                    }
                }
                vms++;
            }
            assertEquals(VMS, vms, "VMs in the single-process run");
            for (int p = 0; p < PARTITIONS; p++) {
                for (int o : owners.get(p)) {
                    assertNull(StoreDigest.firstSkippedDifference(ref, engineStores.get(o), p), "partition " + p
                            + ", engine " + "AB".charAt(o) + ": SKIPPED differ from the single-process run");
                }
            }
            // No VM the reference does not know.
            for (VmStateTable<byte[]> s : states) {
                for (String vm : s.vms()) {
                    assertTrue(refStates.contains(vm), "unknown VM " + vm);
                }
            }
            log("%d VMs compared; %d of them are in both stores, %d of those with a stale state in the non-owner",
                    vms, inBoth, stale);
            assertTrue(stale > 0, "A's store should hold stale first-half states of B's VMs");
            assertFalse(ItSupport.digest(ref).get(PolicyProjection.ZAPS.column()).entries() == 0, "the log should produce zaps");
        }
    }

    private static ItSupport.Child start(String bootstrap, String name, Path store) {
        return ItSupport.startCli(LOGS, name, List.of("run", "--bootstrap", bootstrap, "--topic", TOPIC, "--data",
                store.getParent().toString(), "--group", GROUP, "--checkpoint-every", CHECKPOINT_EVERY));
    }

    private static void awaitFirstBatch(ItSupport.Child engine, ItSupport.StoreWatcher w, Duration timeout) {
        ItSupport.await(engine, "commit a first batch", timeout, () -> !w.offsets(TOPIC, PARTITIONS).isEmpty());
    }

    /**
     * Polls (every 500 ms, at most {@code timeout}) the consumer group and both stores until the group is stable with
     * both engines as members and each engine's store has folded every partition assigned to it up to its end. The
     * engine's Kafka client id is {@code mtrr-engine-<pid>}, which maps a member to its child process and so to its
     * store. Stored offsets are read through RocksDB secondaries (the engines keep writing).
     */
    private static void awaitGroupCaughtUp(String bootstrap, List<ItSupport.Child> engines,
            List<ItSupport.StoreWatcher> ws, Map<Integer, Long> complete, Duration timeout) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(props)) {
            String[] state = {"not polled yet"};
            try {
                Awaitility.await("both engines caught up").atMost(timeout).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(500)).until(() -> {
                            engines.forEach(ScaleOutTest::checkAlive);
                            ConsumerGroupDescription g;
                            try {
                                g = admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
                                        .get(30, TimeUnit.SECONDS);
                            } catch (ExecutionException e) {
                                if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                                    throw e;
                                }
                                g = null; // nobody has joined yet
                            }
                            List<Map<Integer, Long>> stored = List.of(ws.get(0).offsets(TOPIC, PARTITIONS),
                                    ws.get(1).offsets(TOPIC, PARTITIONS));
                            state[0] = (g == null ? "no group yet" : g.groupState() + " " + g.members().stream()
                                    .map(m -> m.clientId() + "=" + m.assignment().topicPartitions()).toList())
                                    + "; stored A " + stored.get(0) + ", B " + stored.get(1);
                            return g != null && g.groupState() == GroupState.STABLE && g.members().size() == 2
                                    && caughtUp(g, engines, stored, complete);
                        });
            } catch (ConditionTimeoutException e) {
                fail("not caught up within " + timeout + ": " + state[0] + ", end " + complete + "\n"
                        + engines.get(0).output() + "\n" + engines.get(1).output());
            }
            log("group caught up: %s", state[0]);
        }
    }

    private static boolean caughtUp(ConsumerGroupDescription g, List<ItSupport.Child> engines,
            List<Map<Integer, Long>> stored, Map<Integer, Long> complete) {
        Set<Integer> assigned = new TreeSet<>();
        for (MemberDescription m : g.members()) {
            int engine = -1;
            for (int i = 0; i < engines.size(); i++) {
                if (m.clientId().equals("mtrr-engine-" + engines.get(i).process.pid())) {
                    engine = i;
                }
            }
            if (engine < 0) {
                return false; // a member we do not know (cannot happen unless the client id scheme changed)
            }
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                assigned.add(tp.partition());
                if (!complete.get(tp.partition()).equals(stored.get(engine).get(tp.partition()))) {
                    return false;
                }
            }
        }
        return assigned.equals(complete.keySet());
    }

    private static void checkAlive(ItSupport.Child engine) {
        if (!engine.process.isAlive()) {
            fail(engine.name + " exited by itself (" + engine.process.exitValue() + ")\n" + engine.output());
        }
    }

    private static void log(String fmt, Object... args) {
        System.out.printf("[scale-it] " + fmt + "%n", args);
    }
}
