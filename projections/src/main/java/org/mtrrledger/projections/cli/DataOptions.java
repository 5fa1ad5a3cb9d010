package org.mtrrledger.projections.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import picocli.CommandLine.Option;

/** Where mtrr-ledger keeps its embedded broker's log and its RocksDB store. */
public final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "Data directory: the embedded broker's log (kafka/) and the store (store/). "
                    + "Default: $MTRR_DATA or ./mtrr-data.")
    Path data;

    public Path dataDir() {
        if (data != null) {
            return data;
        }
        String env = System.getenv("MTRR_DATA");
        return Paths.get(env == null || env.isBlank() ? "mtrr-data" : env);
    }

    public Path storeDir() {
        return dataDir().resolve("store");
    }
}
