package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** CheckpointTable's retention against a real RocksDB: a dense tail, a sparse grid before it, floors still right. */
class CheckpointTableTest {
    private static final int DENSE = 5;
    private static final int SPARSE = 3;
    private static final ValueCodec<String> TEXT = ValueCodec.of(s -> s.getBytes(StandardCharsets.UTF_8),
            b -> new String(b, StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    /** Writes checkpoints after the events at offsets {@code 10 * i} for i in [from, to), {@code perBatch} a batch. */
    private static void write(LedgerStore store, CheckpointTable<String> t, VmKeys vm, int from, int to, int perBatch) {
        for (int i = from; i < to; i += perBatch) {
            try (Batch b = store.newBatch()) {
                for (int j = i; j < Math.min(to, i + perBatch); j++) {
                    t.put(b, vm, 10L * j, vm.vm() + "@" + 10L * j);
                }
                store.write(b);
            }
        }
    }

    private static void assertRetained(List<Long> kept, int written, int maxGapInIntervals) {
        List<Long> newest = LongStream.range(Math.max(0, written - DENSE), written).map(i -> 10 * i).boxed()
                .collect(Collectors.toList());
        assertEquals(newest, kept.subList(Math.max(0, kept.size() - newest.size()), kept.size()),
                "the newest " + DENSE + " are all kept: " + kept);
        assertTrue(kept.size() <= DENSE + SPARSE + (written + SPARSE - 1) / SPARSE,
                kept.size() + " kept of " + written + ": " + kept);
        for (int i = 1; i < kept.size(); i++) {
            assertTrue(kept.get(i) - kept.get(i - 1) <= 10L * maxGapInIntervals,
                    "gap " + kept.get(i - 1) + ".." + kept.get(i) + " in " + kept);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 100})
    void shouldKeepTheNewestDenseAndOneInSparseBeforeThemWhateverTheBatching(int perBatch) {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            CheckpointTable<String> t = new CheckpointTable<>(store, TEXT, DENSE, SPARSE);
            VmKeys vm = VmKeys.of("vm-1");
            int done = 0;
            for (int written : new int[] {3, DENSE + SPARSE - 1, DENSE + SPARSE, 40, 41, 42}) {
                write(store, t, vm, done, written, perBatch);
                done = written;
                assertRetained(t.offsets("vm-1"), written, SPARSE);
            }
        }
    }

    @Test
    void shouldAnswerEveryOffsetWithTheNearestKeptCheckpointAtOrBeforeIt() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            CheckpointTable<String> t = new CheckpointTable<>(store, TEXT, DENSE, SPARSE);
            write(store, t, VmKeys.of("vm-1"), 0, 30, 7);
            List<Long> kept = t.offsets("vm-1");
            assertTrue(kept.size() < 30, "retention applied: " + kept);
            for (long o = 0; o < 300; o++) {
                long at = o;
                long expected = kept.stream().filter(k -> k <= at).reduce((a, b) -> b).orElse(-1L);
                CheckpointTable.Checkpoint<String> cp = t.atOrBefore("vm-1", o);
                if (expected < 0) {
                    assertNull(cp, "nothing at or before " + o);
                } else {
                    assertEquals(expected, cp.offset(), "floor of " + o);
                    assertEquals("vm-1@" + expected, cp.state());
                }
            }
        }
    }

    @Test
    void shouldThinOnlyTheVmItWritesFor() {
        try (LedgerStore store = LedgerStore.open(tmp.resolve("s"), OpenMode.PRIMARY)) {
            CheckpointTable<String> t = new CheckpointTable<>(store, TEXT, DENSE, SPARSE);
            write(store, t, VmKeys.of("vm-10"), 0, 20, 20);
            write(store, t, VmKeys.of("vm-1"), 0, 40, 20);
            write(store, t, VmKeys.of("vm-"), 0, 6, 1);
            assertRetained(t.offsets("vm-10"), 20, SPARSE);
            assertRetained(t.offsets("vm-1"), 40, SPARSE);
            assertEquals(LongStream.range(0, 6).map(i -> 10 * i).boxed().collect(Collectors.toList()),
                    t.offsets("vm-"));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 7, 8, 9, 25})
    void shouldRetainAfterAReopenExactlyWhatAnUninterruptedWriterRetains(int reopenAfter) {
        Path dir = tmp.resolve("s");
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY)) {
            write(store, new CheckpointTable<>(store, TEXT, DENSE, SPARSE), VmKeys.of("vm-1"), 0, reopenAfter, 2);
        }
        List<Long> reopened;
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY)) {
            CheckpointTable<String> t = new CheckpointTable<>(store, TEXT, DENSE, SPARSE);
            write(store, t, VmKeys.of("vm-1"), reopenAfter, 60, 3);
            reopened = t.offsets("vm-1");
        }
        try (LedgerStore store = LedgerStore.open(tmp.resolve("uninterrupted"), OpenMode.PRIMARY)) {
            CheckpointTable<String> t = new CheckpointTable<>(store, TEXT, DENSE, SPARSE);
            write(store, t, VmKeys.of("vm-1"), 0, 60, 1);
            assertEquals(t.offsets("vm-1"), reopened);
            assertRetained(reopened, 60, SPARSE);
        }
    }
}
