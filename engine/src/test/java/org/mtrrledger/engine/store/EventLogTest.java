package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EventLog's ordered multi-read against a real RocksDB: each wanted event visited once, in order, VMs apart. */
class EventLogTest {
    /** vm-1 holds every third offset of [0, 600), as an interleaved partition leaves one VM's events. */
    private static final String VM = "vm-1";
    /** A VM whose id extends vm-1's, holding the offsets in between. */
    private static final String LONGER = "vm-10";

    @TempDir
    Path tmp;

    private static EventLog<String> fill(LedgerStore store) {
        EventLog<String> log = new EventLog<>(store, b -> new String(b, StandardCharsets.UTF_8));
        try (Batch b = store.newBatch()) {
            for (long o = 0; o < 600; o++) {
                String vm = o % 3 == 0 ? VM : LONGER;
                byte[] v = (vm + "@" + o).getBytes(StandardCharsets.UTF_8);
                log.put(b, VmKeys.of(vm), o, v.length, (out, at) -> System.arraycopy(v, 0, out, at, v.length));
            }
            store.write(b);
        }
        return log;
    }

    private static List<String> getAll(EventLog<String> log, String vm, long... offsets) {
        List<String> seen = new ArrayList<>();
        log.getAll(vm, offsets, (offset, event) -> {
            assertEquals(vm + "@" + offset, event);
            return seen.add(event);
        });
        return seen;
    }

    @Test
    void shouldVisitEachWantedEventOnceInOffsetOrderWhateverTheRequestOrder() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            EventLog<String> log = fill(store);
            assertEquals(List.of("vm-1@3", "vm-1@597"), getAll(log, VM, 597, 3, 3, -1, Long.MIN_VALUE, 597));
            assertEquals(List.of("vm-1@0", "vm-1@3"), getAll(log, VM, 3, 0, Long.MAX_VALUE, 4));
            assertEquals(List.of(), getAll(log, VM));
            assertEquals(List.of(), getAll(log, VM, -5, 1, 2, 600));
        }
    }

    @Test
    void shouldKeepAVmApartFromOneWhoseIdExtendsIt() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            EventLog<String> log = fill(store);
            assertEquals(List.of("vm-10@1", "vm-10@599"), getAll(log, LONGER, 0, 1, 3, 599));
            assertEquals(List.of("vm-1@0"), getAll(log, VM, 0, 1, 2));
            assertEquals(List.of(), getAll(log, "vm-", 0, 1));
        }
    }

    @Test
    void shouldStopWhenTheVisitorSaysSo() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            EventLog<String> log = fill(store);
            List<Long> seen = new ArrayList<>();
            log.getAll(VM, new long[] {0, 3, 6, 9}, (offset, event) -> seen.add(offset) && offset < 3);
            assertEquals(List.of(0L, 3L), seen);
        }
    }

    @Test
    void shouldStepOverShortGapsAndSeekOverLongOnes() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            EventLog<String> log = fill(store);
            StoreReads.Snapshot before = store.reads().snapshot();
            assertEquals(5, getAll(log, VM, 0, 3, 6, 9, 12).size());
            StoreReads.Snapshot dense = store.reads().snapshot().since(before);
            assertEquals(1, dense.seeks(), "dense offsets: the scan's positioning only, then steps: " + dense);
            assertEquals(0, dense.gets());

            before = store.reads().snapshot();
            assertEquals(3, getAll(log, VM, 0, 300, 597).size());
            StoreReads.Snapshot sparse = store.reads().snapshot().since(before);
            assertEquals(3, sparse.seeks(), "sparse offsets: one seek per far offset: " + sparse);
            assertTrue(sparse.steps() <= 3, "no walking over the entries in between: " + sparse);
        }
    }
}
