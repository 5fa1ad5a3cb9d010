package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.VmLedger;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.SkippedTable;
import org.mtrrledger.engine.store.VmStateTable;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.testing.Ev;

/**
 * A poll is checked in log order and folded VM by VM ({@link LedgerWriter}): what poison is met first, and which
 * partition a VM new to the poll is on, must not depend on the VM order of the second pass. The partition count is
 * not given here, so only the "stays in one partition" rule places a VM.
 */
class LedgerWriterPollTest {
    private static final String TOPIC = "t";
    private static final EventCodec CODEC = new EventCodec();
    /** Sorts after {@link #EARLY_VM}: the second pass folds it last. */
    private static final String LATE_VM = "zz-vm";
    private static final String EARLY_VM = "aa-vm";
    private static final int INVALID_VCPU = 5000;

    @TempDir
    Path dir;

    private static LogRecord at(int partition, long offset, MtrrEvent e) {
        return new LogRecord(TOPIC, partition, offset, e.getVm(), CODEC.encode(e));
    }

    private LedgerStore store() {
        return LedgerStore.open(dir.resolve("store"), OpenMode.PRIMARY);
    }

    private static LedgerWriter writer(LedgerStore store, PoisonPolicy poison) {
        return new LedgerWriter(store, new Pipeline(Projection.NONE), 1000, poison);
    }

    private static List<String> skippedReasons(LedgerStore store) {
        List<String> out = new ArrayList<>();
        new SkippedTable<>(store, SkippedRecord.CODEC).scan(null, 0, 0, (p, o, r) -> {
            out.add(p + "@" + o + " " + r.reason());
            return true;
        });
        return out;
    }

    @Test
    void shouldReportThePoisonFirstInLogOrderWhateverItsVm() {
        List<LogRecord> poll = List.of(
                at(0, 0, Ev.create(EARLY_VM, 0)),
                at(0, 1, Ev.cr0(LATE_VM, INVALID_VCPU, 0x11)),
                at(0, 2, Ev.cr0(EARLY_VM, INVALID_VCPU, 0x11)));
        try (LedgerStore store = store()) {
            PoisonRecordException e = assertThrows(PoisonRecordException.class,
                    () -> writer(store, PoisonPolicy.FAIL).apply(poll));
            assertTrue(e.getMessage().startsWith(TOPIC + "/0@1"), e.getMessage());
        }
    }

    @Test
    void shouldKeepANewVmOnThePartitionOfItsFirstRecordInThePoll() {
        List<LogRecord> poll = List.of(
                at(1, 0, Ev.create(LATE_VM, 0)),
                at(0, 0, Ev.create(EARLY_VM, 0)),
                at(0, 1, Ev.create(LATE_VM, 1)),
                at(1, 1, Ev.create(LATE_VM, 2)));
        try (LedgerStore store = store()) {
            LedgerWriter w = writer(store, PoisonPolicy.SKIP);
            w.apply(poll);
            w.drain();
            assertEquals(List.of("0@1 VM 'zz-vm' was on partition 1 and now appears on partition 0: a VM's events must "
                    + "stay in one partition (was the partition count changed?)"), skippedReasons(store));
            VmLedger late = new VmStateTable<>(store, TimeTravel.ledgerCodec(new Pipeline(Projection.NONE)))
                    .get(LATE_VM);
            assertEquals(1, late.partition());
            assertEquals(2, late.vm().vcpus().size(), "vCPUs 0 and 2 created, 1 skipped");
            assertEquals(1, w.rejected());
            assertEquals(3, w.folded());
        }
    }

    @Test
    void shouldFoldEachVmsEventsInLogOrderAcrossInterleavedVms() {
        List<LogRecord> poll = new ArrayList<>();
        long offset = 0;
        for (int vcpu = 0; vcpu < 4; vcpu++) {
            poll.add(at(0, offset++, Ev.create(LATE_VM, vcpu)));
            poll.add(at(0, offset++, Ev.create(EARLY_VM, vcpu)));
        }
        // A write that only an online vCPU 3 accepts: it comes after LATE_VM's create of vCPU 3.
        poll.add(at(0, offset++, Ev.cr0(LATE_VM, 3, 0x11)));
        try (LedgerStore store = store()) {
            LedgerWriter w = writer(store, PoisonPolicy.FAIL);
            w.apply(poll);
            w.drain();
            VmStateTable<VmLedger> states = new VmStateTable<>(store,
                    TimeTravel.ledgerCodec(new Pipeline(Projection.NONE)));
            assertEquals(offset - 1, states.get(LATE_VM).lastOffset());
            assertEquals(offset - 2, states.get(EARLY_VM).lastOffset());
            assertEquals(0x11, states.get(LATE_VM).vm().vcpu(3).cr0());
            assertEquals(0, w.rejected());
        }
    }
}
