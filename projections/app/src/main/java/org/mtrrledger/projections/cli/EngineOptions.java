package org.mtrrledger.projections.cli;

import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.engine.consume.PoisonPolicy;
import org.mtrrledger.engine.store.Durability;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** How the engine folds: consumer group, checkpoint interval, durability, poison records. */
public final class EngineOptions {
    @Option(names = "--group", paramLabel = "ID", defaultValue = EngineConfig.DEFAULT_GROUP,
            description = "Consumer group (default mtrr-engine); engine processes in one group share partitions.")
    String group;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    long checkpointEvery;

    /** Checked as it is parsed (flag, environment or file), so before any broker starts. */
    @Option(names = "--checkpoint-every", paramLabel = "K", defaultValue = "1000",
            description = "Checkpoint each VM's full state every K of its events (default 1000; at least 1).")
    void checkpointEvery(long k) {
        if (k < 1) {
            throw new CommandLine.ParameterException(command.commandLine(), "--checkpoint-every must be >= 1, got "
                    + k);
        }
        checkpointEvery = k;
    }

    @Option(names = "--durability", paramLabel = "LEVEL", defaultValue = "WAL_NO_SYNC",
            description = "WAL_NO_SYNC (default), SYNC (fsync each batch) or NO_WAL (atomic flush; after a crash "
                    + "the store rolls back and refolds from the log).")
    Durability durability;

    @Option(names = "--poison", paramLabel = "POLICY", defaultValue = "FAIL",
            description = "Records the fold cannot take (too big, undecodable, an invalid event, or on another "
                    + "partition than their VM's): FAIL (stop, naming topic/partition/offset and why; default) or SKIP "
                    + "(list them for `mtrr skipped` and fold the rest).")
    PoisonPolicy poison;

    EngineConfig config(KafkaOptions kafka) {
        return new EngineConfig(kafka.topic(), group, checkpointEvery, poison, kafka.brokerTimeout);
    }
}
