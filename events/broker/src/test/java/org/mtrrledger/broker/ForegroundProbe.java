package org.mtrrledger.broker;

import java.nio.file.Path;

/** Run in a child JVM by {@link EmbeddedBrokerTest}: {@code mtrr broker} in miniature. */
public final class ForegroundProbe {

    private ForegroundProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        EmbeddedBroker.runForeground(Path.of(args[0]), System.out);
    }
}
