package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

/** A store opens the engine's families plus the outputs its opener declares, and refuses any other family. */
class DeclaredOutputsTest {
    @TempDir
    Path tmp;

    private Path dir() {
        return tmp.resolve("store");
    }

    private Set<String> familiesOnDisk() throws Exception {
        Set<String> out = new TreeSet<>();
        try (Options o = new Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(o, dir().toString())) {
                out.add(new String(name, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static List<String> list(OutputTable<String> t) {
        List<String> out = new ArrayList<>();
        t.scan("vm-1", 0, 0, 0, Long.MAX_VALUE, (o, s, r) -> out.add(r));
        return out;
    }

    private void writeZap(String record) {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY, TestOutputs.BOTH);
                Batch b = store.newBatch()) {
            OutputTable.of(store, TestOutputs.ZAPS).put(b, VmKeys.of("vm-1"), 0, 7, List.of(record));
            store.write(b);
        }
    }

    @Test
    void shouldCreateTheEnginesFamiliesAndTheDeclaredOnesUnderTheirNames() throws Exception {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY, TestOutputs.BOTH)) {
            List<Column> expected = new ArrayList<>(Column.ENGINE);
            expected.add(TestOutputs.ZAPS.column());
            expected.add(TestOutputs.HAZARDS.column());
            assertEquals(expected, store.columns());
        }
        assertEquals(Set.of("default", "meta", "vm-state", "checkpoints", "events-by-vm", "skipped-records",
                "vm-overview", "zaps", "hazards"), familiesOnDisk());
    }

    @Test
    void shouldReadWhatAPrimaryWroteFromAReadOnlyOpenDeclaringTheSameOutputs() {
        writeZap("z");
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.READ_ONLY, TestOutputs.BOTH)) {
            assertEquals(List.of("z"), list(OutputTable.of(store, TestOutputs.ZAPS)));
            assertEquals(List.of(), list(OutputTable.of(store, TestOutputs.HAZARDS)));
        }
    }

    @Test
    void shouldRefuseAStoreHoldingAnOutputTheOpenerDoesNotDeclareInEveryMode() {
        writeZap("z");
        for (OpenMode mode : List.of(OpenMode.PRIMARY, OpenMode.READ_ONLY, OpenMode.secondary(tmp.resolve("sec")))) {
            StoreException e = assertThrows(StoreException.class,
                    () -> LedgerStore.open(dir(), mode, List.of(TestOutputs.ZAPS)).close(), mode.toString());
            assertTrue(e.getMessage().contains("[hazards]"), e.getMessage());
            assertTrue(e.getMessage().contains("another projection"), e.getMessage());
        }
        StoreException none = assertThrows(StoreException.class, () -> LedgerStore.open(dir(), OpenMode.READ_ONLY));
        assertTrue(none.getMessage().contains("[hazards, zaps]"), none.getMessage());
    }

    @Test
    void shouldRefuseAReadOnlyOpenDeclaringAnOutputTheStoreLacks() {
        LedgerStore.open(dir(), OpenMode.PRIMARY, List.of(TestOutputs.ZAPS)).close();
        StoreException e = assertThrows(StoreException.class,
                () -> LedgerStore.open(dir(), OpenMode.READ_ONLY, TestOutputs.BOTH));
        assertTrue(e.getMessage().contains("lacks column families [hazards]"), e.getMessage());
    }

    @Test
    void shouldAddANewlyDeclaredOutputToAnExistingStoreKeepingItsData() throws Exception {
        LedgerStore.open(dir(), OpenMode.PRIMARY, List.of(TestOutputs.ZAPS)).close();
        writeZap("kept");
        assertTrue(familiesOnDisk().contains("hazards"));
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.READ_ONLY, TestOutputs.BOTH)) {
            assertEquals(List.of("kept"), list(OutputTable.of(store, TestOutputs.ZAPS)));
        }
    }

    @Test
    void shouldRefuseATableOfAnOutputTheStoreWasNotOpenedWith() {
        try (LedgerStore store = LedgerStore.open(dir(), OpenMode.PRIMARY, List.of(TestOutputs.ZAPS))) {
            StoreException e = assertThrows(StoreException.class, () -> OutputTable.of(store, TestOutputs.HAZARDS));
            assertTrue(e.getMessage().contains("opened without the output table hazards"), e.getMessage());
            StoreException raw = assertThrows(StoreException.class, () -> OutputTable.raw(store, TestOutputs.HAZARDS));
            assertTrue(raw.getMessage().contains("hazards"), raw.getMessage());
        }
    }

    @Test
    void shouldRejectAnOutputNamedLikeAFamilyThatIsNotAnOutputsOrTwice() {
        for (String name : List.of("meta", "events-by-vm", "default", "events", "projections", "", "Zaps", "a/b")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OutputSpec.of(name, TestOutputs.TEXT), name);
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> LedgerStore.open(dir(),
                OpenMode.PRIMARY, List.of(TestOutputs.ZAPS, OutputSpec.of("zaps", ValueCodec.BYTES))));
        assertTrue(twice.getMessage().contains("twice"), twice.getMessage());
    }

    @Test
    void shouldGiveOneColumnPerFamilyName() {
        assertSame(TestOutputs.ZAPS.column(), OutputSpec.of("zaps", ValueCodec.BYTES).column());
        assertEquals("zaps", TestOutputs.ZAPS.familyName());
    }
}
