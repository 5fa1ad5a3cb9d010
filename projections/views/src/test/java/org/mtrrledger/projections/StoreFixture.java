package org.mtrrledger.projections;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.mtrrledger.engine.consume.LedgerWriter;
import org.mtrrledger.engine.consume.LogRecord;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.pipeline.Pipeline;
import org.mtrrledger.engine.store.Durability;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.events.avro.MtrrEvent;
import org.mtrrledger.events.codec.EventCodec;
import org.mtrrledger.projections.ledger.PolicyProjection;

/** Folds events into a real RocksDB store with the engine's writer, as if consumed from partition 0 at offsets 0.. */
public final class StoreFixture {
    public static final String TOPIC = "mtrr.events";

    private StoreFixture() {
    }

    public static void fold(Path storeDir, List<MtrrEvent> log, int checkpointEvery, int pollSize) {
        EventCodec codec = new EventCodec();
        List<LogRecord> records = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            records.add(new LogRecord(TOPIC, 0, i, log.get(i).getVm(), codec.encode(log.get(i))));
        }
        fold(storeDir, records, checkpointEvery, pollSize, PoisonPolicy.FAIL);
    }

    /** Folds log records as they are (a poison record among them too, under {@link PoisonPolicy#SKIP}). */
    public static void fold(Path storeDir, List<LogRecord> records, int checkpointEvery, int pollSize,
            PoisonPolicy poison) {
        try (LedgerStore store = LedgerStore.open(storeDir, OpenMode.PRIMARY, Durability.WAL_NO_SYNC,
                PolicyProjection.OUTPUTS)) {
            LedgerWriter w = new LedgerWriter(store, new Pipeline(new PolicyProjection()), checkpointEvery, poison);
            for (int i = 0; i < records.size(); i += pollSize) {
                w.apply(records.subList(i, Math.min(records.size(), i + pollSize)));
            }
        }
    }
}
