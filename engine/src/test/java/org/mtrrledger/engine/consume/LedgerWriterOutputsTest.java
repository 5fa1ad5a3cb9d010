package org.mtrrledger.engine.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.engine.pipeline.Folded;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.pipeline.Projection;
import org.mtrrledger.engine.pipeline.ProjectionRecord;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.engine.store.OutputSpec;
import org.mtrrledger.engine.store.OutputTable;
import org.mtrrledger.engine.store.StoreException;
import org.mtrrledger.engine.store.ValueCodec;
import org.mtrrledger.events.avro.Cr0Write;
import org.mtrrledger.events.avro.MsrWrite;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.events.model.EventRef;
import org.mtrrledger.events.testing.Ev;

/** The writer stores each projection record in the output table the projection declared at its index. */
class LedgerWriterOutputsTest {
    private static final ValueCodec<String> TEXT = ValueCodec.of(s -> s.getBytes(StandardCharsets.UTF_8),
            b -> new String(b, StandardCharsets.UTF_8));
    private static final OutputSpec<String> MSR_WRITES = OutputSpec.of("test-msr-writes", TEXT);
    private static final OutputSpec<String> CR0_WRITES = OutputSpec.of("test-cr0-writes", TEXT);

    @TempDir
    Path dir;

    /**
     * Declares {@code outputs} and sends each MSR write to output 0 and each CR0 write to {@code cr0Output}, under
     * policy = the vCPU, two records per event.
     */
    private record WriteLog(List<OutputSpec<?>> outputs, int cr0Output) implements Projection.Stateless {
        @Override
        public List<ProjectionRecord> project(Projection.Empty state, Void memo, Folded folded, EventRef ref,
                MtrrEvent event) {
            int output = event.getPayload() instanceof MsrWrite ? 0
                    : event.getPayload() instanceof Cr0Write ? cr0Output : -1;
            if (output < 0) {
                return List.of();
            }
            List<ProjectionRecord> out = new ArrayList<>();
            for (int seq = 0; seq < 2; seq++) {
                out.add(new ProjectionRecord(output, event.getVcpu(), seq, TEXT.encode(ref.offset() + "#" + seq)));
            }
            return out;
        }
    }

    private static List<LogRecord> records(MtrrEvent... events) {
        EventCodec codec = new EventCodec();
        List<LogRecord> out = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            out.add(new LogRecord("t", 0, i, events[i].getVm(), codec.encode(events[i])));
        }
        return out;
    }

    private static List<String> list(OutputTable<String> t, String vm, int policy) {
        List<String> out = new ArrayList<>();
        t.scan(vm, policy, 0, 0, Long.MAX_VALUE, (o, s, r) -> out.add(r));
        return out;
    }

    @Test
    void shouldStoreEachRecordInTheTableItsOutputIndexNames() {
        WriteLog projection = new WriteLog(List.of(MSR_WRITES, CR0_WRITES), 1);
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY, projection.outputs())) {
            new LedgerWriter(store, new Pipeline(projection), 1000, PoisonPolicy.FAIL).apply(records(
                    Ev.create("vm-1", 0), Ev.msr("vm-1", 0, 0x2ff, 0xc06), Ev.cr0("vm-1", 0, 0x11),
                    Ev.msr("vm-1", 0, 0x2ff, 0x806)));
            assertEquals(List.of("1#0", "1#1", "3#0", "3#1"), list(OutputTable.of(store, MSR_WRITES), "vm-1", 0));
            assertEquals(List.of("2#0", "2#1"), list(OutputTable.of(store, CR0_WRITES), "vm-1", 0));
        }
    }

    @Test
    void shouldRefuseAStoreOpenedWithoutTheProjectionsOutputs() {
        WriteLog projection = new WriteLog(List.of(MSR_WRITES, CR0_WRITES), 1);
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY, List.of(MSR_WRITES))) {
            StoreException e = assertThrows(StoreException.class,
                    () -> new LedgerWriter(store, new Pipeline(projection), 1000, PoisonPolicy.FAIL));
            assertTrue(e.getMessage().contains("test-cr0-writes"), e.getMessage());
        }
    }

    @Test
    void shouldFailARecordForAnOutputTheProjectionDoesNotDeclareNamingIt() {
        WriteLog projection = new WriteLog(List.of(MSR_WRITES), 1);
        try (LedgerStore store = LedgerStore.open(dir.resolve("s"), OpenMode.PRIMARY, projection.outputs())) {
            LedgerWriter writer = new LedgerWriter(store, new Pipeline(projection), 1000, PoisonPolicy.FAIL);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> writer.apply(records(Ev.create("vm-1", 0), Ev.cr0("vm-1", 0, 0x11))));
            assertTrue(e.getMessage().contains("output 1, but the projection declares 1 outputs"), e.getMessage());
            assertEquals(Long.valueOf(0), store.meta().nextOffsets("t").getOrDefault(0, 0L), "nothing committed");
        }
    }
}
