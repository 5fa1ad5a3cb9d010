package org.mtrrledger.projections.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import picocli.CommandLine.Option;

/**
 * Where mtrr-ledger keeps its embedded broker's log and its RocksDB store, and which properties file configures the
 * other options ({@link MtrrConfig}: flags &gt; {@code MTRR_*} &gt; file &gt; defaults).
 */
public final class DataOptions {
    /** The environment variable that names the data directory. */
    public static final String ENV_DATA = "MTRR_DATA";

    /** The data directory when neither {@code --data} nor {@link #ENV_DATA} names one. */
    public static final String DEFAULT_DATA = "mtrr-data";

    @Option(names = MtrrConfig.DATA_OPTION, paramLabel = "DIR",
            description = "Data directory: the embedded broker's log (kafka/) and the store (store/). "
                    + "Default: $MTRR_DATA or ./mtrr-data.")
    Path data;

    @Option(names = MtrrConfig.CONFIG_OPTION, paramLabel = "FILE",
            description = "Properties file with defaults for the options of the commands (keys bootstrap, topic, "
                    + "partitions, group, checkpoint-every, durability, poison, port, host, broker-timeout, "
                    + "metrics-vms; COMMAND.KEY for one command only, e.g. serve.group); flags and MTRR_* "
                    + "environment variables win over it. Every command checks the whole file. Default: "
                    + "$MTRR_CONFIG, else <data>/mtrr.properties if it exists.")
    Path config;

    public Path dataDir() {
        return data != null ? data : Paths.get(DEFAULT_DATA);
    }

    public Path storeDir() {
        return dataDir().resolve("store");
    }
}
