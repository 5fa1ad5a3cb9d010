package org.mtrrledger.projections.cli;

import org.mtrrledger.engine.consume.EngineConfig;
import picocli.CommandLine.Option;

/** Where the audit log lives. Without --bootstrap/MTRR_BOOTSTRAP: the embedded broker of the data directory. */
public final class KafkaOptions {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "An existing Kafka cluster (default: $MTRR_BOOTSTRAP, else the embedded broker of --data, "
                    + "started in this process unless `mtrr broker` already runs it).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", description = "Events topic (default: $MTRR_TOPIC or mtrr.events).")
    String topic;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions when the topic is created (default 4).")
    int partitions;

    String topic() {
        if (topic != null) {
            return topic;
        }
        String env = System.getenv("MTRR_TOPIC");
        return env == null || env.isBlank() ? EngineConfig.DEFAULT_TOPIC : env;
    }
}
