package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.store.Batch;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.engine.store.VmKeys;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.projections.StoreFixture;
import org.mtrrledger.projections.ledger.PolicyProjection;

/** A damaged store is reported as such, with the repair: the store is derived from the log, so `mtrr rebuild`. */
class StoreCorruptionTest {
    private static final List<MtrrEvent> LOG = List.of(Ev.create("vm-1", 0), Ev.msr("vm-1", 0, 0x2ff, 0xc06),
            Ev.cr0("vm-1", 0, 0x11));

    @TempDir
    Path data;

    private void assertSuggestsRebuild(ItSupport.CliResult r) {
        assertEquals(1, r.exitCode(), r.toString());
        assertTrue(r.err().contains("mtrr rebuild"), r.toString());
        assertFalse(r.err().contains("Exception:"), r.toString());
    }

    @Test
    void shouldSuggestRebuildForAValueThatDoesNotDecode() {
        Path store = data.resolve("store");
        StoreFixture.fold(store, LOG, 1000, 10);
        try (LedgerStore s = LedgerStore.open(store, OpenMode.PRIMARY, PolicyProjection.OUTPUTS);
                Batch b = s.newBatch()) {
            // The tables with the identity codec write these bytes as they are: values no ledger or event decodes from.
            VmKeys vm = VmKeys.of("vm-1");
            new VmStateTable<>(s, ValueCodec.BYTES).put(b, vm, new byte[] {0, 0, 0, 1, 2});
            byte[] event = {0, 0, 0, 0, 0x7f, 0, 0, 0};
            new EventLog<>(s, x -> x).put(b, vm, 1, event.length,
                    (out, at) -> System.arraycopy(event, 0, out, at, event.length));
            s.write(b);
        }
        assertSuggestsRebuild(ItSupport.cli("state", "--vm", "vm-1", "--data", data.toString()));
    }

    @Test
    void shouldSuggestRebuildForAFileWhoseChecksumsFail() throws IOException {
        Path store = data.resolve("store");
        StoreFixture.fold(store, LOG, 1000, 10);
        List<Path> tables;
        try (Stream<Path> files = Files.list(store)) {
            tables = files.filter(f -> f.toString().endsWith(".sst")).toList();
        }
        assertFalse(tables.isEmpty(), "closing the store flushes it to SST files");
        for (Path t : tables) {
            try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
                for (long at = 0; at < Math.min(f.length() / 2, 4096); at += 7) {
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0x5a);
                }
            }
        }
        assertSuggestsRebuild(ItSupport.cli("events", "--vm", "vm-1", "--data", data.toString()));
    }
}
