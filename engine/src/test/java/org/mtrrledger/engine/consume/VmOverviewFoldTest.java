package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.VmOverviewTable;
import org.mtrrledger.events.avro.FilePosition;
import org.mtrrledger.events.avro.GeneratorPosition;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.model.EventKind;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

/**
 * The VM overviews the writer stores with the heads ({@link VmOverviewTable}), caught up by
 * {@link VmOverviewFold#read}, against the answer of a scan of every event the event log holds: three interleaved VMs
 * (one with neither trace timestamps nor files), folded in small polls that leave the heads behind, with poison records
 * skipped among them, across a resume, an adoption of stale heads, dropped cached ledgers, and a store folded without
 * the overview family.
 */
class VmOverviewFoldTest {
    private static final String TOPIC = "t";
    private static final List<String> VMS = List.of("vm-a", "vm-b", "vm-c");
    /** vm-a and vm-b each pass {@link LedgerWriter#MAX_HEAD_LAG} several times. */
    private static final int EVENTS = 3000;
    private static final int POLL = 40;
    private static final int CHECKPOINT_EVERY = 500;
    private static final Pipeline PIPELINE = new Pipeline(Projection.NONE);
    private static final EventCodec CODEC = new EventCodec();

    @TempDir
    Path dir;

    /**
     * vm-a and vm-b: {@link TimeTravelTest#mixedLog}'s events read from a few files in turn (some from a generator or
     * with no source), with timestamps that mostly rise and sometimes go back or are missing; vm-c, every fifth
     * event: no timestamp, no source. Every 97th record is poison (undecodable bytes keyed by a VM).
     */
    private static List<LogRecord> records(long seed) {
        List<MtrrEvent> base = TimeTravelTest.mixedLog(seed, EVENTS);
        SplittableRandom r = new SplittableRandom(seed);
        List<LogRecord> out = new ArrayList<>();
        long ts = 1_000_000;
        for (int i = 0; i < base.size(); i++) {
            MtrrEvent e = base.get(i);
            if (i % 5 == 0) {
                e.setVm("vm-c");
            } else {
                e.setSource(switch (r.nextInt(10)) {
                    case 0 -> null;
                    case 1 -> new GeneratorPosition(seed, (long) i);
                    default -> new FilePosition(e.getVm() + "-trace-" + (i / 700) + ".log", (long) i);
                });
                ts += r.nextInt(1000);
                e.setTimestampNs(r.nextInt(8) == 0 ? null : r.nextInt(20) == 0 ? ts - 50_000 : ts);
            }
            byte[] value = i % 97 == 96 ? "not an event".getBytes(StandardCharsets.UTF_8) : CODEC.encode(e);
            out.add(new LogRecord(TOPIC, 0, i, e.getVm(), value));
        }
        return out;
    }

    private static void applyInPolls(LedgerWriter w, List<LogRecord> records) {
        for (int i = 0; i < records.size(); i += POLL) {
            w.apply(records.subList(i, Math.min(records.size(), i + POLL)));
        }
    }

    private static LedgerWriter writer(LedgerStore store) {
        return new LedgerWriter(store, PIPELINE, CHECKPOINT_EVERY, PoisonPolicy.SKIP);
    }

    /** The overview of every event the event log holds of {@code vm}, computed from a scan of them all. */
    private static VmOverviewTable.Overview fullScan(LedgerStore store, String vm) {
        long[] n = {0, -1, -1};
        long[] kinds = new long[VmOverviewTable.KINDS];
        Long[] ts = {null, null};
        TreeSet<String> files = new TreeSet<>();
        new EventLog<>(store, FoldedEvent::payloadOf).scan(vm, 0, Long.MAX_VALUE, (offset, payload) -> {
            MtrrEvent e = CODEC.decode(payload);
            n[0]++;
            n[1] = n[1] < 0 ? offset : n[1];
            n[2] = offset;
            kinds[EventKind.of(e).ordinal()]++;
            if (e.getSource() instanceof FilePosition f) {
                files.add(f.getFile());
            }
            Long t = e.getTimestampNs();
            if (t != null) {
                ts[0] = ts[0] == null ? t : Math.min(ts[0], t);
                ts[1] = ts[1] == null ? t : Math.max(ts[1], t);
            }
            return true;
        });
        return new VmOverviewTable.Overview(n[2], n[0], n[1], ts[0], ts[1], List.copyOf(files),
                Arrays.stream(kinds).boxed().toList());
    }

    private static VmOverviewTable.Overview caughtUp(LedgerStore store, String vm) {
        return VmOverviewFold.read(new VmOverviewTable(store), VmOverviewFold.payloads(store), CODEC, vm,
                Long.MAX_VALUE).overview();
    }

    private static long headOffset(LedgerStore store, String vm) {
        return TimeTravel.headOffsets(store).get(vm);
    }

    private LedgerStore store() {
        return LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC);
    }

    /** Every VM's stored overview is the full scan's, once drained; and what each test relies on holds. */
    private static void assertDrained(LedgerStore store) {
        for (String vm : VMS) {
            VmOverviewTable.Overview full = fullScan(store, vm);
            assertTrue(full.events() > 300, vm + " has events");
            assertEquals(full, new VmOverviewTable(store).get(vm), vm + ": stored overview after drain");
            assertEquals(headOffset(store, vm), full.asOf(), vm + ": head and overview share an offset");
        }
        VmOverviewTable.Overview c = new VmOverviewTable(store).get("vm-c");
        assertNull(c.firstTsNs(), "vm-c has no timestamps");
        assertNull(c.lastTsNs());
        assertEquals(List.of(), c.sources(), "vm-c has no files");
        assertEquals(List.of("vm-a-trace-0.log", "vm-a-trace-1.log", "vm-a-trace-2.log", "vm-a-trace-3.log",
                "vm-a-trace-4.log"), new VmOverviewTable(store).get("vm-a").sources());
    }

    @Test
    void shouldStoreOverviewsWithTheHeadsThatCatchUpToTheFullScanAndEqualItWhenDrained() {
        try (LedgerStore store = store()) {
            LedgerWriter w = writer(store);
            applyInPolls(w, records(3));
            assertTrue(w.rejected() > 20, "poison records were skipped");
            boolean anyBehind = false;
            for (String vm : VMS) {
                VmOverviewTable.Overview stored = new VmOverviewTable(store).get(vm);
                assertNotNull(stored, vm);
                assertEquals(headOffset(store, vm), stored.asOf(), vm + ": the overview is as of the head");
                VmOverviewTable.Overview full = fullScan(store, vm);
                anyBehind |= stored.asOf() < full.asOf();
                assertTrue(full.events() - stored.events() < LedgerWriter.MAX_HEAD_LAG, vm);
                assertEquals(full, caughtUp(store, vm), vm + ": caught up");
            }
            assertTrue(anyBehind, "polls of about 13 events per VM leave heads behind");
            w.drain();
            assertDrained(store);
        }
    }

    @Test
    void shouldCatchUpTheStoredOverviewWhenAnotherWriterResumesWithMoreEvents() {
        List<LogRecord> records = records(5);
        int firstRun = 1700;
        try (LedgerStore store = store()) {
            applyInPolls(writer(store), records.subList(0, firstRun));
            // No drain: killed; the next writer is handed some records the store already holds.
            LedgerWriter resumed = writer(store);
            applyInPolls(resumed, records.subList(firstRun - 100, records.size()));
            resumed.drain();
            assertDrained(store);
        }
    }

    @Test
    void shouldWriteTheOverviewsOfStaleHeadsAnAdoptingWriterDrains() {
        try (LedgerStore store = store()) {
            applyInPolls(writer(store), records(7));
            LedgerWriter next = writer(store);
            next.adoptStaleHeads();
            next.drain();
            assertEquals(0, next.folded());
            assertDrained(store);
        }
    }

    @Test
    void shouldReloadTheOverviewsWhenTheWriterDropsItsCachedLedgers() {
        List<LogRecord> records = records(9);
        try (LedgerStore store = store()) {
            LedgerWriter w = writer(store);
            for (int i = 0; i < records.size(); i += POLL) {
                w.apply(records.subList(i, Math.min(records.size(), i + POLL)));
                if (i % (7 * POLL) == 0) {
                    w.forget(0); // as a revoked partition, or a failed poll, drops them: reloaded from the store
                }
            }
            w.drain();
            assertDrained(store);
        }
    }

    @Test
    void shouldOpenAndAnswerAStoreFoldedWithoutOverviewsThenAddThemWhenAWriterResumes() throws Exception {
        List<LogRecord> records = records(11);
        Path path = dir.resolve("store");
        try (LedgerStore store = store()) {
            applyInPolls(writer(store), records.subList(0, 2000));
        }
        dropFamily(path, Column.VM_OVERVIEW.familyName());
        try (LedgerStore old = LedgerStore.open(path, OpenMode.READ_ONLY)) {
            assertFalse(old.columns().contains(Column.VM_OVERVIEW), "opened without the family");
            for (String vm : VMS) {
                assertNull(new VmOverviewTable(old).get(vm));
                assertEquals(fullScan(old, vm), caughtUp(old, vm), vm + ": from the event log alone");
            }
        }
        try (LedgerStore store = store()) {
            assertTrue(store.columns().contains(Column.VM_OVERVIEW), "the primary creates the family");
            assertNull(new VmOverviewTable(store).get("vm-a"));
            LedgerWriter resumed = writer(store);
            applyInPolls(resumed, records.subList(2000, records.size()));
            resumed.drain();
            assertDrained(store);
        }
    }

    /** Drops a family of a closed store with RocksDB itself, leaving what a build without that family folded. */
    private static void dropFamily(Path path, String family) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        try (org.rocksdb.Options o = new org.rocksdb.Options()) {
            for (byte[] name : RocksDB.listColumnFamilies(o, path.toString())) {
                descriptors.add(new ColumnFamilyDescriptor(name));
            }
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
                RocksDB db = RocksDB.open(options, path.toString(), descriptors, handles)) {
            for (ColumnFamilyHandle h : handles) {
                if (new String(h.getName(), StandardCharsets.UTF_8).equals(family)) {
                    db.dropColumnFamily(h);
                }
            }
            handles.forEach(ColumnFamilyHandle::close);
        }
    }
}
