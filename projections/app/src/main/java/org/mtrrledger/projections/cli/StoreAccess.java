package org.mtrrledger.projections.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.mtrrledger.engine.store.LedgerStore;
import org.mtrrledger.engine.store.OpenMode;
import org.mtrrledger.projections.ledger.PolicyProjection;
import org.mtrrledger.projections.query.LedgerQueries;

/**
 * Opens the store for a query command. Read-only, so that queries work while an engine process holds the primary
 * (RocksDB read-only opens take no lock); the header says how far the store had caught up when it was opened.
 */
final class StoreAccess {
    private StoreAccess() {
    }

    static LedgerStore openForQuery(Path storeDir) {
        if (!Files.isDirectory(storeDir)) {
            throw new CliFailure("no store at " + storeDir + ": fold some events first (`mtrr replay FILE` or "
                    + "`mtrr run --until-idle`), or point --data at the right directory");
        }
        return LedgerStore.open(storeDir, OpenMode.READ_ONLY, PolicyProjection.OUTPUTS);
    }

    static void describeProgress(LedgerQueries q, PrintStream err) {
        Map<Integer, Long> offsets = q.storedOffsets();
        StringBuilder b = new StringBuilder("# store caught up to: ");
        if (offsets.isEmpty()) {
            b.append("nothing folded yet");
        }
        offsets.forEach((p, o) -> b.append(q.topic()).append('/').append(p).append(" next offset ").append(o)
                .append("  "));
        err.println(b.toString().trim());
    }
}
