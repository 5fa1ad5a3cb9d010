package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OutputTable against a real RocksDB: one value per (VM, policy, event), listed and resumed record by record. */
class OutputTableTest {
    @TempDir
    Path tmp;

    private static List<String> list(OutputTable<String> t, String vm, int policy, long from, int seq, long to) {
        List<String> out = new ArrayList<>();
        t.scan(vm, policy, from, seq, to, (o, s, r) -> {
            assertEquals(r, "p" + policy + "@" + o + "#" + s, "offset and seq handed with each record");
            return out.add(r);
        });
        return out;
    }

    private static List<String> records(int policy, long offset, int n) {
        List<String> out = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            out.add("p" + policy + "@" + offset + "#" + s);
        }
        return out;
    }

    @Test
    void shouldStoreOneValuePerEventAndPolicyAndListItsRecordsInSeqOrder() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY, TestOutputs.BOTH)) {
            OutputTable<String> zaps = OutputTable.of(store, TestOutputs.ZAPS);
            VmKeys vm = VmKeys.of("vm-1");
            try (Batch b = store.newBatch()) {
                zaps.put(b, vm, 2, 10, records(2, 10, 3));
                zaps.put(b, vm, 2, 11, records(2, 11, 1));
                zaps.put(b, vm, 3, 10, records(3, 10, 2));
                zaps.put(b, VmKeys.of("vm-10"), 2, 10, records(2, 10, 5));
                assertEquals(4, b.count(), "one put per event and policy");
                store.write(b);
            }
            assertEquals(List.of("p2@10#0", "p2@10#1", "p2@10#2", "p2@11#0"), list(zaps, "vm-1", 2, 0, 0, 99));
            assertEquals(List.of("p2@10#2", "p2@11#0"), list(zaps, "vm-1", 2, 10, 2, 99), "resumed at (10, 2)");
            assertEquals(List.of("p2@11#0"), list(zaps, "vm-1", 2, 10, 3, Long.MAX_VALUE), "past the last seq");
            assertEquals(List.of("p2@10#0", "p2@10#1", "p2@10#2"), list(zaps, "vm-1", 2, 0, 0, 10), "to inclusive");
            assertEquals(List.of("p3@10#0", "p3@10#1"), list(zaps, "vm-1", 3, 0, 0, Long.MAX_VALUE));
            assertEquals(List.of(), list(zaps, "vm-1", 2, 12, 0, 11), "to before from");
            assertEquals(List.of(), list(OutputTable.of(store, TestOutputs.HAZARDS), "vm-1", 2, 0, 0, 99), "another table");
            List<String> firstTwo = new ArrayList<>();
            zaps.scan("vm-1", 2, 0, 0, 99, (o, s, r) -> firstTwo.add(r) && firstTwo.size() < 2);
            assertEquals(List.of("p2@10#0", "p2@10#1"), firstTwo, "stops when the visitor says so");
        }
    }

    @Test
    void shouldNameTheTableWhenAValueIsCorrupt() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY, TestOutputs.BOTH)) {
            try (Batch b = store.newBatch()) {
                store.write(b.put(TestOutputs.HAZARDS.column(), Keys.vmPolicyOffsetKey("vm-1", 0, 4), new byte[] {0, 0, 0, 9, 1}));
            }
            CorruptValueException e = assertThrows(CorruptValueException.class,
                    () -> list(OutputTable.of(store, TestOutputs.HAZARDS), "vm-1", 0, 0, 0, 99));
            assertTrue(e.getMessage().contains("hazards"), e.getMessage());
        }
    }
}
