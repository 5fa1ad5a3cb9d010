package org.mtrrledger.projections.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.consume.StoredEvent;
import org.mtrrledger.engine.consume.TimeTravel;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.StoreReads;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.projections.RandomLogs;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.hazard.Hazard;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.zap.PolicyId;
import org.mtrrledger.projections.zap.ZapRecord;

/**
 * {@link LedgerQueries#triggers} and the triggered zap and hazard listings against point reads of the same store
 * (real RocksDB): three VMs interleaved in one partition, one of them named as a prefix of another, folded in polls
 * that leave the heads behind the event log.
 */
class LedgerQueriesTriggersTest {
    private static final String A = "vm-a";
    /** Named with {@link #A} as a prefix: its keys sort right after A's. */
    private static final String A1 = "vm-a1";
    private static final String B = "vm-b";

    @TempDir
    static Path tmp;
    private static LedgerStore store;
    private static LedgerQueries q;
    /** Offsets of each VM's events, ascending. */
    private static final Map<String, List<Long>> OFFSETS = new TreeMap<>();

    @BeforeAll
    static void fold() {
        List<MtrrEvent> a = RandomLogs.of(A, 11, 8000, 3);
        List<MtrrEvent> a1 = RandomLogs.of(A1, 12, 800, 2);
        List<MtrrEvent> b = RandomLogs.of(B, 13, 800, 2);
        List<MtrrEvent> log = new ArrayList<>();
        int ia = 0;
        int ia1 = 0;
        int ib = 0;
        while (ia < a.size() || ia1 < a1.size() || ib < b.size()) {
            for (int k = 0; k < 3 && ia < a.size(); k++) {
                log.add(a.get(ia++));
            }
            if (ia1 < a1.size()) {
                log.add(a1.get(ia1++));
            }
            if (ib < b.size()) {
                log.add(b.get(ib++));
            }
        }
        for (int i = 0; i < log.size(); i++) {
            OFFSETS.computeIfAbsent(log.get(i).getVm(), v -> new ArrayList<>()).add((long) i);
        }
        Path dir = tmp.resolve("store");
        StoreFixture.fold(dir, log, 64, 37);
        store = LedgerStore.open(dir, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
        q = new LedgerQueries(store);
    }

    @AfterAll
    static void close() {
        store.close();
    }

    private static long[] array(List<Long> offsets) {
        return offsets.stream().mapToLong(Long::longValue).toArray();
    }

    /** What a point read per offset finds: the reference {@link LedgerQueries#triggers} must equal. */
    private static SortedMap<Long, StoredEvent> pointReads(String vm, List<Long> offsets) {
        SortedMap<Long, StoredEvent> out = new TreeMap<>();
        for (long o : offsets) {
            if (OFFSETS.get(vm).contains(o)) {
                out.put(o, q.event(vm, o));
            }
        }
        return out;
    }

    private static StoreReads.Snapshot readsOf(Runnable read) {
        StoreReads.Snapshot before = store.reads().snapshot();
        read.run();
        return store.reads().snapshot().since(before);
    }

    @Test
    void shouldResolveSparseOffsetsInOrderWithOneSeekPerFarOffset() {
        List<Long> all = OFFSETS.get(A);
        List<Long> wanted = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i -= 97) { // asked in descending order: the scan must sort them
            wanted.add(all.get(i));
            wanted.add(all.get(i)); // repeated: one entry
        }
        SortedMap<Long, StoredEvent>[] got = new SortedMap[1];
        StoreReads.Snapshot cost = readsOf(() -> got[0] = q.triggers(A, array(wanted)));
        assertEquals(pointReads(A, wanted), got[0]);
        assertEquals(new ArrayList<>(new TreeSet<>(wanted)), new ArrayList<>(got[0].keySet()));
        int distinct = got[0].size();
        // the scan's positioning, then one seek per offset more than MAX_STEPS offsets past the previous one
        assertEquals(distinct, cost.seeks(), "seeks");
        assertEquals(0, cost.steps(), "a seek lands on the offset: no step");
    }

    @Test
    void shouldResolveDenseOffsetsWithOneScanAndNoSeek() {
        List<Long> wanted = OFFSETS.get(A).subList(500, 800);
        SortedMap<Long, StoredEvent>[] got = new SortedMap[1];
        StoreReads.Snapshot cost = readsOf(() -> got[0] = q.triggers(A, array(wanted)));
        assertEquals(pointReads(A, wanted), got[0]);
        assertEquals(wanted, new ArrayList<>(got[0].keySet()));
        assertEquals(1, cost.seeks(), "one scan, no seek");
        assertEquals(wanted.size() - 1, cost.steps(), "one step per event after the first");
        assertTrue(cost.gets() <= 1, "at most the topic's key: " + cost.gets());
    }

    @Test
    void shouldLeaveOutOffsetsWithoutAnEventOfTheVm() {
        List<Long> wanted = new ArrayList<>(OFFSETS.get(B).subList(0, 40)); // all of them another VM's
        wanted.add(OFFSETS.get(A).get(7));
        wanted.add(1_000_000L); // past every VM's log
        SortedMap<Long, StoredEvent> got = q.triggers(A, array(wanted));
        assertEquals(List.of(OFFSETS.get(A).get(7)), new ArrayList<>(got.keySet()));
        assertEquals(q.event(A, OFFSETS.get(A).get(7)), got.get(OFFSETS.get(A).get(7)));
        assertTrue(q.triggers(A, new long[0]).isEmpty());
        assertTrue(q.triggers("vm-none", array(OFFSETS.get(A).subList(0, 10))).isEmpty());
    }

    @Test
    void shouldNotMixEventsOfVmsAcrossInterleavedOffsets() {
        long last = OFFSETS.values().stream().mapToLong(l -> l.get(l.size() - 1)).max().orElseThrow();
        long[] every = new long[(int) last + 1];
        for (int i = 0; i < every.length; i++) {
            every[i] = i;
        }
        for (String vm : OFFSETS.keySet()) {
            SortedMap<Long, StoredEvent> got = q.triggers(vm, every);
            assertEquals(OFFSETS.get(vm), new ArrayList<>(got.keySet()), vm);
            for (StoredEvent e : got.values()) {
                assertEquals(vm, e.vm());
                assertEquals(vm, e.event().getVm().toString());
            }
        }
    }

    @Test
    void shouldHandOutChunkedZapsAndHazardsLikeTheUnchunkedRead() {
        int most = 0;
        for (String vm : OFFSETS.keySet()) {
            for (PolicyId p : PolicyId.values()) {
                List<ZapRecord> zaps = q.zaps(vm, p, 0, Long.MAX_VALUE);
                most = Math.max(most, zaps.size());
                List<ZapRecord> visited = new ArrayList<>();
                q.zapsWithTriggers(vm, p, 0, 0, Long.MAX_VALUE, z -> true, (z, trigger) -> {
                    assertEquals(q.event(vm, z.offset()), trigger);
                    return visited.add(z);
                });
                assertEquals(zaps, visited, vm + " " + p.label);

                List<Hazard> hazards = q.hazards(vm, p, 0, Long.MAX_VALUE);
                List<Hazard> visitedHazards = new ArrayList<>();
                q.hazardsWithTriggers(vm, p, 0, 0, Long.MAX_VALUE, h -> true, (h, trigger) -> {
                    assertEquals(q.event(vm, h.offset()), trigger);
                    return visitedHazards.add(h);
                });
                assertEquals(hazards, visitedHazards, vm + " " + p.label);
            }
        }
        assertTrue(most > 2 * LedgerQueries.TRIGGER_CHUNK, "a listing spans chunks: " + most);
    }

    @Test
    void shouldStopAndFilterTheChunkedListingAsTheCallerSays() {
        PolicyId p = Arrays.stream(PolicyId.values())
                .max(Comparator.comparingInt(id -> q.zaps(A, id, 0, Long.MAX_VALUE).size())).orElseThrow();
        List<ZapRecord> all = q.zaps(A, p, 0, Long.MAX_VALUE);
        int stopAt = LedgerQueries.TRIGGER_CHUNK + 3;
        assertTrue(all.size() > stopAt, "zaps " + all.size());
        List<ZapRecord> visited = new ArrayList<>();
        q.zapsWithTriggers(A, p, 0, 0, Long.MAX_VALUE, z -> true, (z, trigger) -> visited.add(z) && visited.size() < stopAt);
        assertEquals(all.subList(0, stopAt), visited);

        List<ZapRecord> odd = new ArrayList<>();
        q.zapsWithTriggers(A, p, 0, 0, Long.MAX_VALUE, z -> z.offset() % 2 == 1, (z, trigger) -> odd.add(z));
        assertEquals(all.stream().filter(z -> z.offset() % 2 == 1).toList(), odd);
    }

    @Test
    void shouldAnswerLastOffsetAndPartitionWithoutFoldingTheLedger() {
        long head = TimeTravel.headOffsets(store).get(A);
        long last = OFFSETS.get(A).get(OFFSETS.get(A).size() - 1);
        assertTrue(head < last, "the head lags the log (" + head + " < " + last + "): the case under test");
        StoreReads.Snapshot cost = readsOf(() -> assertEquals(last, q.lastOffset(A)));
        assertEquals(new StoreReads.Snapshot(1, 1, 1), cost, "the head's header, one reverse step");
        cost = readsOf(() -> assertEquals(0, q.partition(A)));
        assertEquals(new StoreReads.Snapshot(1, 0, 0), cost, "the head's header");
        assertEquals(q.latest(A).lastOffset(), q.lastOffset(A));
        assertEquals(q.latest(A).partition(), q.partition(A));
    }

    @Test
    void shouldAnswer404ForAnUnknownVmWithoutReadingAnyLedger() {
        for (Runnable r : List.<Runnable>of(() -> q.lastOffset("vm-c"), () -> q.partition("vm-c"))) {
            StoreReads.Snapshot cost = readsOf(() -> {
                LedgerQueries.UnknownVmException e = assertThrows(LedgerQueries.UnknownVmException.class, r::run);
                assertTrue(e.getMessage().contains("vm-a, vm-a1, vm-b"), e.getMessage());
            });
            // the missing head, then the VM listing the message names: no event or checkpoint is read
            assertEquals(new StoreReads.Snapshot(1, 1, OFFSETS.size()), cost);
        }
    }
}
