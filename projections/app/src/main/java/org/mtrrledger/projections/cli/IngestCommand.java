package org.mtrrledger.projections.cli;

import java.util.concurrent.Callable;
import org.mtrrledger.broker.KafkaEndpoint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Parse, validate and publish log files to the events topic, one Kafka transaction per file.")
final class IngestCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    IngestOptions ingest;

    @Override
    public Integer call() {
        ingest.checkFiles();
        try (KafkaEndpoint ep = kafka.connect(data)) {
            Ingester.Totals t = new Ingester(ep, kafka.topic(), kafka.partitions, kafka.brokerTimeout, System.out, System.err)
                    .ingest(ingest);
            System.out.printf("published %,d events to %s (%d file(s) already ingested)%n", t.published,
                    kafka.topic(), t.alreadyIngested);
            return 0;
        }
    }
}
