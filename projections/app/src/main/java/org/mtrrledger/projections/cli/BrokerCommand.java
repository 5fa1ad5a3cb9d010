package org.mtrrledger.projections.cli;

import java.util.concurrent.Callable;
import org.mtrrledger.broker.EmbeddedBroker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run the embedded single-node KRaft broker of --data in the foreground, for several mtrr "
                + "processes to share (they find it through the data directory).")
final class BrokerCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Override
    public Integer call() throws InterruptedException {
        EmbeddedBroker.runForeground(data.dataDir(), System.out);
        return 0;
    }
}
