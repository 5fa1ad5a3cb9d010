package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.projections.query.LedgerQueries;
import picocli.CommandLine.Mixin;

/** Base of the commands that read the local store only (no broker). */
abstract class QueryCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    OutputOptions output;

    @Override
    public final Integer call() {
        validate();
        boolean structured = output.structured();
        PrintStream out = output.begin(System.out);
        try (LedgerStore store = StoreAccess.openForQuery(data.storeDir())) {
            LedgerQueries q = new LedgerQueries(store);
            if (!structured) {
                StoreAccess.describeProgress(q, System.err);
            }
            query(q, out);
            if (out instanceof CsvOut csv) {
                csv.finish();
            }
            System.out.flush();
            return 0;
        }
    }

    abstract void query(LedgerQueries q, PrintStream out);

    /** Checks the options' forms before the store is opened. */
    void validate() {
    }
}
