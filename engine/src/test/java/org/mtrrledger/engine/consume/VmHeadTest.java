package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.model.EventRef;

/**
 * A VM's head ({@link VmStateTable}) lags its ledger by less than {@link LedgerWriter#MAX_HEAD_LAG} events while the
 * writer folds, is the latest state once it drains, and whoever reads a stale head (time travel, a writer that
 * resumes) refolds the event log after it into exactly the state a fold from zero gives.
 */
class VmHeadTest {
    private static final String TOPIC = "t";
    private static final List<String> VMS = List.of("vm-a", "vm-b");
    /** About 1,200 events per VM: each VM passes {@link LedgerWriter#MAX_HEAD_LAG} several times. */
    private static final int EVENTS = 2400;
    /** Small polls: each touches both VMs with about 20 events of each, as a host's interleaved trace does. */
    private static final int POLL = 40;
    private static final int CHECKPOINT_EVERY = 500;
    private static final Pipeline PIPELINE = new Pipeline(Projection.NONE);
    private static final EventCodec CODEC = new EventCodec();

    @TempDir
    Path dir;

    private static List<LogRecord> records(List<MtrrEvent> log) {
        List<LogRecord> out = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            out.add(new LogRecord(TOPIC, 0, i, log.get(i).getVm(), CODEC.encode(log.get(i))));
        }
        return out;
    }

    private static void applyInPolls(LedgerWriter w, List<LogRecord> records) {
        for (int i = 0; i < records.size(); i += POLL) {
            w.apply(records.subList(i, Math.min(records.size(), i + POLL)));
        }
    }

    /** The ledger the pipeline folds from an empty one over the VM's events of {@code log}, offsets as stored. */
    private static VmLedger foldFromZero(List<MtrrEvent> log, String vm) {
        VmLedger l = PIPELINE.newLedger(vm);
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).getVm().equals(vm)) {
                PIPELINE.step(l, new EventRef(TOPIC, 0, i), log.get(i));
            }
        }
        return l;
    }

    private static VmStateTable<VmLedger> heads(LedgerStore store) {
        return new VmStateTable<>(store, TimeTravel.ledgerCodec(PIPELINE));
    }

    private LedgerStore store() {
        return LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC);
    }

    @Test
    void shouldKeepHeadsWithinTheLagWhileFoldingAndLatestWhenDrained() {
        List<MtrrEvent> log = TimeTravelTest.mixedLog(3, EVENTS);
        try (LedgerStore store = store()) {
            LedgerWriter w = new LedgerWriter(store, PIPELINE, CHECKPOINT_EVERY, PoisonPolicy.FAIL);
            applyInPolls(w, records(log));
            TimeTravel tt = new TimeTravel(store, PIPELINE);
            boolean anyBehind = false;
            for (String vm : VMS) {
                VmLedger expected = foldFromZero(log, vm);
                long lag = expected.vm().eventCount() - heads(store).get(vm).vm().eventCount();
                assertTrue(lag >= 0 && lag < LedgerWriter.MAX_HEAD_LAG, vm + " head lags by " + lag);
                anyBehind |= lag > 0;
                assertArrayEquals(expected.encode(), tt.latest(vm).encode(), vm + ": latest from a stale head");
                assertArrayEquals(expected.encode(), tt.at(vm, EVENTS).encode(), vm + ": at a later offset");
            }
            assertTrue(anyBehind, "polls of about 20 events per VM leave heads behind");
            w.drain();
            for (String vm : VMS) {
                assertArrayEquals(foldFromZero(log, vm).encode(), heads(store).get(vm).encode(), vm + " drained");
            }
        }
    }

    @Test
    void shouldCatchUpAStaleHeadWhenAnotherWriterResumesFromTheStoredOffset() {
        List<MtrrEvent> log = TimeTravelTest.mixedLog(5, EVENTS);
        List<LogRecord> records = records(log);
        int firstRun = 1300;
        try (LedgerStore store = store()) {
            applyInPolls(new LedgerWriter(store, PIPELINE, CHECKPOINT_EVERY, PoisonPolicy.FAIL),
                    records.subList(0, firstRun));
            // No drain: the first writer stops as a killed engine does, its heads behind its stored events.
            assertEquals((long) firstRun, store.meta().nextOffset(TOPIC, 0).orElseThrow());
            LedgerWriter resumed = new LedgerWriter(store, PIPELINE, CHECKPOINT_EVERY, PoisonPolicy.FAIL);
            // Kafka may hand back records the store already holds: they must not be folded twice.
            applyInPolls(resumed, records.subList(firstRun - 100, records.size()));
            resumed.drain();
            assertEquals(EVENTS - firstRun, resumed.folded());
            for (String vm : VMS) {
                assertArrayEquals(foldFromZero(log, vm).encode(), heads(store).get(vm).encode(), vm);
            }
        }
    }

    @Test
    void shouldWriteTheStaleHeadsAKilledWriterLeftWhenTheNextOneAdoptsThem() {
        List<MtrrEvent> log = TimeTravelTest.mixedLog(7, EVENTS);
        try (LedgerStore store = store()) {
            applyInPolls(new LedgerWriter(store, PIPELINE, CHECKPOINT_EVERY, PoisonPolicy.FAIL), records(log));
            boolean anyBehind = false;
            for (String vm : VMS) {
                anyBehind |= heads(store).get(vm).vm().eventCount() < foldFromZero(log, vm).vm().eventCount();
            }
            assertTrue(anyBehind, "the killed writer left a stale head");
            LedgerWriter next = new LedgerWriter(store, PIPELINE, CHECKPOINT_EVERY, PoisonPolicy.FAIL);
            next.adoptStaleHeads();
            next.drain();
            assertEquals(0, next.folded(), "adopting refolds stored events, it folds none");
            for (String vm : VMS) {
                assertArrayEquals(foldFromZero(log, vm).encode(), heads(store).get(vm).encode(), vm);
            }
        }
    }
}
