package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.store.Column;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.EventLog;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.StoreDigest;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.model.EventRef;

/**
 * The fold strategies on a real RocksDB: a pipelined fold leaves exactly the store an inline fold leaves, drain
 * means folded and written, and a poison record stops it one poll late without losing the polls before it.
 */
class FoldStageTest {
    private static final String TOPIC = "mtrr.events";
    private static final int EVENTS = 3_000;
    private static final int POLL = 97; // not a divisor of the checkpoint interval: checkpoints land mid-poll
    private static final int CHECKPOINT_EVERY = 50;

    @TempDir
    Path dir;

    private static List<List<LogRecord>> polls(List<MtrrEvent> log) {
        EventCodec codec = new EventCodec();
        List<List<LogRecord>> polls = new ArrayList<>();
        for (int i = 0; i < log.size(); i += POLL) {
            List<LogRecord> poll = new ArrayList<>();
            for (int j = i; j < Math.min(log.size(), i + POLL); j++) {
                poll.add(new LogRecord(TOPIC, 0, j, log.get(j).getVm(), codec.encode(log.get(j))));
            }
            polls.add(poll);
        }
        return polls;
    }

    private static LedgerWriter writer(LedgerStore store) {
        return new LedgerWriter(store, StoreWrites.pipelined(store), new Pipeline(Projection.NONE), CHECKPOINT_EVERY,
                PoisonPolicy.FAIL);
    }

    @Test
    void shouldLeaveTheStoreAnInlineFoldLeaves() {
        List<List<LogRecord>> polls = polls(TimeTravelTest.mixedLog(7, EVENTS));
        try (LedgerStore inline = LedgerStore.open(dir.resolve("inline"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC);
                LedgerStore piped = LedgerStore.open(dir.resolve("piped"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC)) {
            LedgerWriter inlineWriter = writer(inline);
            try (FoldStage a = FoldStage.inline(inlineWriter); FoldStage b = FoldStage.pipelined(writer(piped))) {
                polls.forEach(a::submit);
                polls.forEach(b::submit);
                a.drain();
                b.drain();
            }
            assertEquals(EVENTS, inlineWriter.folded());
            for (Column c : inline.columns()) {
                assertEquals(StoreDigest.of(inline, c), StoreDigest.of(piped, c),
                        () -> StoreDigest.firstDifference(inline, piped, c));
            }
            assertEquals((long) EVENTS, piped.meta().nextOffset(TOPIC, 0).orElseThrow());
        }
    }

    @Test
    void shouldHaveEverySubmittedPollInTheStoreWhenDrainReturns() {
        List<List<LogRecord>> polls = polls(TimeTravelTest.mixedLog(11, 500));
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC)) {
            LedgerWriter w = writer(store);
            try (FoldStage stage = FoldStage.pipelined(w)) {
                for (List<LogRecord> poll : polls) {
                    stage.submit(poll);
                    stage.drain();
                    long next = poll.get(poll.size() - 1).ref().offset() + 1;
                    assertEquals(next, store.meta().nextOffset(TOPIC, 0).orElseThrow());
                    assertEquals(next, w.folded());
                }
            }
        }
    }

    @Test
    void shouldSurfaceAPoisonRecordOnceAndKeepThePollsFoldedBeforeIt() {
        List<List<LogRecord>> polls = polls(TimeTravelTest.mixedLog(3, 3 * POLL));
        List<LogRecord> poisoned = new ArrayList<>(polls.get(2));
        LogRecord bad = poisoned.get(5);
        poisoned.set(5, new LogRecord(bad.ref(), bad.keyBytes(), new byte[] {1, 2, 3}));
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC)) {
            FoldStage stage = FoldStage.pipelined(writer(store));
            stage.submit(polls.get(0));
            stage.submit(polls.get(1));
            stage.submit(poisoned);
            PoisonRecordException e = assertThrows(PoisonRecordException.class, stage::drain);
            assertTrue(e.getMessage().startsWith(TOPIC + "/0@" + bad.ref().offset() + ": "), e.getMessage());
            assertEquals(2L * POLL, store.meta().nextOffset(TOPIC, 0).orElseThrow(),
                    "the two polls before the poison are stored, nothing of its own poll");
            assertNull(new EventLog<>(store, b -> b).get(poisoned.get(0).key(), poisoned.get(0).ref().offset()));
            stage.drain(); // reported once
            stage.close();
            stage.close();
        }
    }

    @Test
    void shouldRethrowAFailedFoldOnTheNextSubmit() {
        List<List<LogRecord>> polls = polls(TimeTravelTest.mixedLog(5, 2 * POLL));
        List<LogRecord> poisoned = new ArrayList<>(polls.get(0));
        poisoned.set(0, new LogRecord(new EventRef(TOPIC, 0, 0), null, new byte[0]));
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY, Durability.WAL_NO_SYNC);
                FoldStage stage = FoldStage.pipelined(writer(store))) {
            stage.submit(poisoned);
            assertThrows(PoisonRecordException.class, () -> stage.submit(polls.get(1)));
            assertTrue(store.meta().nextOffset(TOPIC, 0).isEmpty());
        }
    }
}
