package org.mtrrledger.projections.cli;

import java.util.concurrent.Callable;
import org.mtrrledger.broker.KafkaEndpoint;
import org.mtrrledger.engine.consume.StopCondition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Fold the events topic into the store, following it until stopped (SIGTERM closes cleanly).")
final class RunCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    EngineOptions engine;

    @Option(names = "--until-idle", description = "Stop once caught up with the topic.")
    boolean untilIdle;

    @Override
    public Integer call() {
        try (KafkaEndpoint ep = kafka.connect(data)) {
            EngineRunner.run(ep, kafka, data, engine, untilIdle ? StopCondition.UNTIL_IDLE : StopCondition.FOLLOW);
            return 0;
        }
    }
}
