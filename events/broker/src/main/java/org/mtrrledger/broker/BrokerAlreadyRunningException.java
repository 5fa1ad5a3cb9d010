package org.mtrrledger.broker;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Thrown when a data directory's Kafka log dir is already locked by another broker (in this or another
 * process). Two brokers on one log dir would corrupt it; Kafka's own {@code .lock} would also refuse, but with
 * a message that does not say which process holds it.
 */
public final class BrokerAlreadyRunningException extends IllegalStateException {

    private final transient Path dataDir;
    private final transient BrokerInfo holder;

    BrokerAlreadyRunningException(Path dataDir, Path lockFile, Optional<BrokerInfo> holder) {
        super("data dir " + dataDir + " is already in use by another Kafka broker"
                + holder.map(h -> " (pid " + h.pid() + ", bootstrap " + h.bootstrap() + ")")
                        .orElse(" (its " + BrokerInfo.FILE_NAME + " is not written yet)")
                + ": the lock " + lockFile + " is held. Use that broker (e.g. --bootstrap or MTRR_BOOTSTRAP)"
                + " or stop it first.");
        this.dataDir = dataDir;
        this.holder = holder.orElse(null);
    }

    /** The data directory that is in use. */
    public Path dataDir() {
        return dataDir;
    }

    /** The running broker's advertisement, if it had been written when the lock was tried. */
    public Optional<BrokerInfo> holder() {
        return Optional.ofNullable(holder);
    }
}
