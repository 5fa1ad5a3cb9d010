package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** StoreDigest over real RocksDB stores: equal contents digest equally, and a difference is found and named. */
class StoreDigestTest {
    @TempDir
    Path tmp;

    /** Writes a state and events 0..n-1 of each VM through the typed tables. */
    private static void fill(LedgerStore store, int events, String... vms) {
        VmStateTable<byte[]> states = new VmStateTable<>(store, ValueCodec.BYTES);
        EventLog<byte[]> log = new EventLog<>(store, b -> b);
        try (Batch b = store.newBatch()) {
            for (String vm : vms) {
                VmKeys keys = VmKeys.of(vm);
                states.put(b, keys, vm.getBytes(StandardCharsets.UTF_8));
                for (int o = 0; o < events; o++) {
                    byte[] v = (vm + "@" + o).getBytes(StandardCharsets.UTF_8);
                    log.put(b, keys, o, v.length, (out, at) -> System.arraycopy(v, 0, out, at, v.length));
                }
            }
            store.meta().putNextOffset(b, "t", 0, events);
            store.write(b);
        }
    }

    @Test
    void shouldDigestEqualContentsEquallyAndNameTheFirstDifference() {
        try (LedgerStore a = LedgerStore.open(tmp.resolve("a"), OpenMode.PRIMARY);
                LedgerStore b = LedgerStore.open(tmp.resolve("b"), OpenMode.PRIMARY)) {
            fill(a, 3, "vm-1", "vm-10");
            fill(b, 3, "vm-1", "vm-10");
            assertEquals(StoreDigest.of(a), StoreDigest.of(b));
            StoreDigest.Table events = StoreDigest.of(a, Column.EVENTS);
            assertEquals(6, events.entries());
            assertTrue(events.keyBytes() > 0 && events.valueBytes() > 0, events.toString());
            assertNull(StoreDigest.firstDifference(a, b, Column.EVENTS));

            fill(b, 4, "vm-10"); // one more event of vm-10 only
            assertNotEquals(StoreDigest.of(a, Column.EVENTS), StoreDigest.of(b, Column.EVENTS));
            assertNull(StoreDigest.firstDifference(a, b, Column.EVENTS, "vm-1"), "vm-1's records exclude vm-10's");
            assertNull(StoreDigest.firstDifference(a, b, Column.VM_STATE, "vm-1"));
            String diff = StoreDigest.firstDifference(a, b, Column.EVENTS, "vm-10");
            assertEquals("EVENTS entry #3: <none> vs VmOffset[vm=vm-10, offset=3] (7 value bytes)", diff);
        }
    }

    @Test
    void shouldCompareSkippedRecordsByPartitionAndRefuseAVmScopeOnOtherTables() {
        try (LedgerStore a = LedgerStore.open(tmp.resolve("a"), OpenMode.PRIMARY);
                LedgerStore b = LedgerStore.open(tmp.resolve("b"), OpenMode.PRIMARY)) {
            SkippedTable<byte[]> sa = new SkippedTable<>(a, ValueCodec.BYTES);
            SkippedTable<byte[]> sb = new SkippedTable<>(b, ValueCodec.BYTES);
            try (Batch x = a.newBatch(); Batch y = b.newBatch()) {
                sa.put(x, 0, 5, new byte[] {1});
                sb.put(y, 0, 5, new byte[] {1});
                sb.put(y, 1, 7, new byte[] {2});
                a.write(x);
                b.write(y);
            }
            assertNull(StoreDigest.firstSkippedDifference(a, b, 0));
            assertEquals("SKIPPED entry #0: <none> vs PartitionOffset[partition=1, offset=7] (1 value bytes)",
                    StoreDigest.firstSkippedDifference(a, b, 1));
            for (Column c : List.of(Column.META, Column.SKIPPED)) {
                assertThrows(IllegalArgumentException.class, () -> StoreDigest.firstDifference(a, b, c, "vm-1"),
                        c.toString());
            }
        }
    }
}
