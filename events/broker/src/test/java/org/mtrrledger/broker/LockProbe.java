package org.mtrrledger.broker;

import java.nio.file.Path;

/**
 * Run in a child JVM by {@link EmbeddedBrokerTest}: tries to start a broker on a data dir that the test's
 * JVM holds, to prove the lock works across processes. Exit 3 with the message on stdout if refused.
 */
public final class LockProbe {

    private LockProbe() {
    }

    public static void main(String[] args) {
        try (EmbeddedBroker broker = EmbeddedBroker.start(Path.of(args[0]))) {
            System.out.println("STARTED " + broker.bootstrap());
            System.exit(0);
        } catch (BrokerAlreadyRunningException e) {
            System.out.println(e.getMessage());
            System.exit(3);
        }
    }
}
