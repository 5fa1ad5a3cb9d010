package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.fold.Fold;
import org.mtrrledger.engine.fold.VmState;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.SkippedTable;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.testing.Ev;
import org.mtrrledger.events.testing.Gens;

/** The store-backed writer and time travel against a plain fold from offset 0, on a real RocksDB. */
class TimeTravelTest {
    private static final String TOPIC = "mtrr.events";

    /** A deterministic mixed log of two VMs interleaved on one partition, as Kafka would hold them. */
    static List<MtrrEvent> mixedLog(long seed, int n) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        long[] msrs = {0x2ff, 0x250, 0x258, 0x259, 0x268, 0x26f, 0x200, 0x201, 0x202, 0x203, 0x277, 0x20f, 0x210};
        long[] values = {0x0, 0xc06, 0x806, 0x406, 0x0606060606060606L, 0x0505050505050505L, 0xc0000000L,
            0x3fffc0000800L, 0x800, 0x0407050600070106L, 0x100};
        List<MtrrEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String vm = r.nextBoolean() ? "vm-a" : "vm-b";
            int vcpu = r.nextInt(3);
            int k = r.nextInt(20);
            if (k < 12) {
                out.add(Ev.msr(vm, vcpu, msrs[r.nextInt(msrs.length)], values[r.nextInt(values.length)]));
            } else if (k < 16) {
                out.add(Ev.cr0(vm, vcpu, r.nextBoolean() ? 0x60000011L : 0x11L));
            } else if (k == 16) {
                out.add(Ev.dmaRegister(vm));
            } else if (k == 17) {
                out.add(Ev.dmaUnregister(vm));
            } else if (k == 18) {
                out.add(Ev.dmaTransfer(vm, 0xa0000L + 0x1000L * r.nextInt(64), 0x2000));
            } else {
                out.add(Ev.lifecycle(vm, vcpu, org.mtrrledger.events.avro.LifecycleOp.values()[1 + r.nextInt(4)]));
            }
        }
        return out;
    }

    static void writeAll(LedgerStore store, Pipeline pipeline, List<MtrrEvent> log, int checkpointEvery, int chunk) {
        EventCodec codec = new EventCodec();
        LedgerWriter w = new LedgerWriter(store, pipeline, checkpointEvery, PoisonPolicy.FAIL);
        List<LogRecord> batch = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            batch.add(new LogRecord(TOPIC, 0, i, log.get(i).getVm(), codec.encode(log.get(i))));
            if (batch.size() == chunk) {
                w.apply(batch);
                batch.clear();
            }
        }
        w.apply(batch);
    }

    private static VmState foldFromZero(List<MtrrEvent> log, String vm, long upTo) {
        VmState s = VmState.empty(vm);
        for (int i = 0; i <= upTo && i < log.size(); i++) {
            if (log.get(i).getVm().equals(vm)) {
                Fold.apply(s, log.get(i));
            }
        }
        return s;
    }

    @Test
    void shouldEqualAFoldFromZeroAtAnyOffset() {
        // Every example writes a RocksDB store: shrinking is bounded so that a failure is reported in minutes.
        qt().withExamples(15).withShrinkCycles(30).forAll(longs().all(), Gens.intsIn(0, 399))
                .checkAssert(this::assertTimeTravelEqualsAFoldFromZero);
    }

    private void assertTimeTravelEqualsAFoldFromZero(long seed, int at) {
        Path dir;
        try {
            dir = Files.createTempDirectory("tt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<MtrrEvent> log = mixedLog(seed, 400);
        Pipeline p = new Pipeline(Projection.NONE);
        try (LedgerStore store = LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC)) {
            writeAll(store, p, log, 7, 33);
            TimeTravel tt = new TimeTravel(store, p);
            for (String vm : List.of("vm-a", "vm-b")) {
                VmLedger l = tt.at(vm, at);
                assertEquals(foldFromZero(log, vm, at), l.vm(), vm + " at " + at);
            }
        } finally {
            LedgerStore.destroy(dir.resolve("store"));
        }
    }

    @Test
    void shouldCommitTheNextOffsetWithTheState(@TempDir Path dir) {
        List<MtrrEvent> log = mixedLog(1, 50);
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, Durability.WAL_NO_SYNC)) {
            writeAll(store, new Pipeline(Projection.NONE), log, 1000, 50);
            assertEquals(50L, store.meta().nextOffset(TOPIC, 0).orElseThrow());
            assertEquals(foldFromZero(log, "vm-a", 49), VmLedger.decode(new VmStateTable<>(store, ValueCodec.BYTES).get("vm-a"),
                    Projection.NONE).vm());
        }
    }

    @Test
    void shouldFailOnAPoisonRecordNamingWhereAndWriteNothingOfThatPoll(@TempDir Path dir) {
        EventCodec codec = new EventCodec();
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, Durability.WAL_NO_SYNC)) {
            LedgerWriter w = new LedgerWriter(store, new Pipeline(Projection.NONE), 1000, PoisonPolicy.FAIL);
            List<LogRecord> poll = List.of(new LogRecord(TOPIC, 2, 10, "vm-a", codec.encode(Ev.create("vm-a", 0))),
                    new LogRecord(TOPIC, 2, 11, "vm-a", new byte[] {1, 2, 3}));
            PoisonRecordException e = assertThrows(PoisonRecordException.class, () -> w.apply(poll));
            assertEquals(true, e.getMessage().startsWith(TOPIC + "/2@11: "), e.getMessage());
            assertNull(new VmStateTable<>(store, ValueCodec.BYTES).get("vm-a"));
        }
    }

    @Test
    void shouldSkipAPoisonRecordUnderSkipAndKeepFolding(@TempDir Path dir) {
        EventCodec codec = new EventCodec();
        try (LedgerStore store = LedgerStore.open(dir, OpenMode.PRIMARY, Durability.WAL_NO_SYNC)) {
            LedgerWriter w = new LedgerWriter(store, new Pipeline(Projection.NONE), 1000, PoisonPolicy.SKIP);
            w.apply(List.of(new LogRecord(TOPIC, 0, 0, "vm-a", new byte[] {9}),
                    new LogRecord(TOPIC, 0, 1, "vm-a", codec.encode(Ev.create("vm-a", 0)))));
            assertEquals(2L, store.meta().nextOffset(TOPIC, 0).orElseThrow());
            assertEquals(1, w.folded());
            SkippedRecord skipped = new SkippedTable<>(store, SkippedRecord.CODEC).get(0, 0);
            assertEquals("vm-a", skipped.key());
            org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {9}, skipped.value());
            assertTrue(skipped.reason().startsWith("undecodable record: "), skipped.reason());
            assertNull(new EventLog<>(store, b -> b).get("vm-a", 0), "a skipped record is not an event");
            FoldedEvent folded = new EventLog<>(store, FoldedEvent::decode).get("vm-a", 1);
            assertEquals(0, folded.partition());
            org.junit.jupiter.api.Assertions.assertArrayEquals(codec.encode(Ev.create("vm-a", 0)), folded.payload());
        }
    }
}
