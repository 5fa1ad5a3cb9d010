package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VmOverviewTable} over a real RocksDB store: its rows round-trip, per VM, and a damaged one is reported. */
class VmOverviewTableTest {
    @TempDir
    Path tmp;

    private static final VmOverviewTable.Overview TIMED = new VmOverviewTable.Overview(4711, 812, 3, -5L,
            Long.MAX_VALUE, List.of("a.log", "b/ü.trace", ""), List.of(700L, 100L, 10L, 1L, 0L, Long.MAX_VALUE));
    private static final VmOverviewTable.Overview UNTIMED = new VmOverviewTable.Overview(-1, 0, -1, null, null,
            List.of(), List.of(0L, 0L, 0L, 0L, 0L, 0L));

    @Test
    void shouldRoundTripEachVmsOverviewIncludingNoTimestampsAndNoFiles() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            VmOverviewTable t = new VmOverviewTable(store);
            try (Batch b = store.newBatch()) {
                t.put(b, VmKeys.of("vm-1"), TIMED);
                t.put(b, VmKeys.of("vm-10"), UNTIMED);
                store.write(b);
            }
            assertEquals(TIMED, t.get("vm-1"));
            assertEquals(UNTIMED, t.get("vm-10"));
            assertNull(t.get("vm-2"));
        }
    }

    @Test
    void shouldReportATruncatedOrPaddedValueAsCorrupt() {
        byte[] good = VmOverviewTable.encode(TIMED);
        assertEquals(TIMED, VmOverviewTable.decode(good));
        for (byte[] bad : List.of(Arrays.copyOf(good, good.length - 1), Arrays.copyOf(good, good.length + 1),
                Arrays.copyOf(good, 20))) {
            CorruptValueException e = assertThrows(CorruptValueException.class, () -> VmOverviewTable.decode(bad));
            assertTrue(e.getMessage().contains("VM overview"), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAnotherNumberOfEventKinds() {
        assertThrows(IllegalArgumentException.class, () -> new VmOverviewTable.Overview(-1, 0, -1, null, null,
                List.of(), List.of(0L, 0L)));
        byte[] good = VmOverviewTable.encode(UNTIMED);
        byte[] fewer = Arrays.copyOf(good, good.length - Long.BYTES);
        fewer[good.length - 1 - VmOverviewTable.KINDS * Long.BYTES] = (byte) (VmOverviewTable.KINDS - 1);
        CorruptValueException e = assertThrows(CorruptValueException.class, () -> VmOverviewTable.decode(fewer));
        assertTrue(e.getMessage().contains("VM overview"), e.getMessage());
        assertTrue(e.getCause().getMessage().contains("counts " + (VmOverviewTable.KINDS - 1) + " event kinds"),
                e.getCause().getMessage());
    }

    @Test
    void shouldRefuseOneTimestampWithoutTheOther() {
        assertThrows(IllegalArgumentException.class, () -> new VmOverviewTable.Overview(0, 1, 0, 5L, null, List.of(),
                UNTIMED.byKind()));
    }
}
