package org.mtrrledger.projections.cli;

import java.util.concurrent.Callable;
import org.mtrrledger.broker.KafkaEndpoint;
import org.mtrrledger.engine.consume.StopCondition;
import org.mtrrledger.engine.store.LedgerStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = "Drop the store (a cache of the log) and refold the topic from offset 0 until caught up.")
final class RebuildCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    EngineOptions engine;

    @Override
    public Integer call() {
        try (KafkaEndpoint ep = kafka.connect(data)) {
            if (java.nio.file.Files.isDirectory(data.storeDir())) {
                LedgerStore.destroy(data.storeDir());
                System.err.println("# dropped store " + data.storeDir());
            }
            EngineRunner.run(ep, kafka, data, engine, StopCondition.UNTIL_IDLE);
            return 0;
        }
    }
}
