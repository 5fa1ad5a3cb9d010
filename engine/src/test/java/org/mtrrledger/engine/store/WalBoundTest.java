package org.mtrrledger.engine.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write-ahead log stays bounded while the engine writes, without waiting for the memtables to fill: a restart
 * after a kill replays little of it, and it does not dwarf the store (it reached 65 MiB on a 7 MiB store).
 */
class WalBoundTest {
    @TempDir
    Path dir;

    private long walBytes() throws IOException {
        long sum = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                try {
                    sum += Files.size(log);
                } catch (NoSuchFileException deleted) {
                    // flushed and removed while listing
                }
            }
        }
        return sum;
    }

    @Test
    void shouldKeepTheWalNearItsCapWhileWriting() throws Exception {
        byte[] value = new byte[4096];
        int perBatch = 256;
        long batchBytes = (long) perBatch * value.length;
        // Once the writes stop and the flush the cap forced has finished, the WAL holds what came after the last
        // switch: at most the cap plus the batch that crossed it (and one more in flight). Without the cap nothing
        // would be flushed and the WAL would hold all 96 MiB: that stays below the 112 MiB at which the 128 MiB
        // memtable budget flushes (7/8 of it), and spread over four families none fills its 64 MiB write buffer.
        Column[] families = {Column.EVENTS, TestOutputs.ZAPS.column(), TestOutputs.HAZARDS.column(),
            Column.CHECKPOINTS};
        long bound = RocksHandle.MAX_WAL_BYTES + 2 * batchBytes;
        int batches = (int) ((96L << 20) / batchBytes);
        new SplittableRandom(1).nextBytes(value);
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, TestOutputs.BOTH)) {
            long offset = 0;
            for (int batch = 0; batch < batches; batch++) {
                try (Batch b = store.newBatch()) {
                    for (int i = 0; i < perBatch; i++) {
                        b.put(families[batch % families.length], Keys.vmOffsetKey("vm-" + (i % 7), offset++), value);
                    }
                    store.write(b);
                }
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            long wal = walBytes();
            while (wal > bound && System.nanoTime() < deadline) {
                java.util.concurrent.TimeUnit.MILLISECONDS.sleep(20); // poll interval of the bounded wait
                wal = walBytes();
            }
            long written = offset * value.length;
            assertTrue(wal <= bound, "WAL " + wal + " bytes after writing " + written + " (bound " + bound + ")");
            assertTrue(written > bound, "wrote more than the bound: " + List.of(written, bound));
        }
    }
}
