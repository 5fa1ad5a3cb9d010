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
        // Twice the 16 MiB cap, as flushes run in the background behind the writes, plus one batch: RocksDB weighs
        // max_total_wal_size only when a write switches to a new WAL, so the total may pass it by what came since.
        // Without the cap (256 MiB) the WAL holds all 48 MiB written.
        long bound = (32L << 20) + (long) perBatch * value.length;
        new SplittableRandom(1).nextBytes(value);
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY)) {
            long offset = 0;
            for (int batch = 0; batch < 48; batch++) {
                try (Batch b = store.newBatch()) {
                    for (int i = 0; i < perBatch; i++) {
                        b.put(Column.EVENTS, Keys.vmOffsetKey("vm-" + (i % 7), offset++), value);
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
