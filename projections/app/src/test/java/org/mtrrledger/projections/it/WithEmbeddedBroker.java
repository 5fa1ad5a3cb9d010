package org.mtrrledger.projections.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;

/**
 * The integration tests that drive {@code mtrr} processes: one real embedded broker per test class (starting one
 * costs seconds, so the tests of a class share it), a class temporary directory for their data, and child engine
 * processes a test left behind killed after it.
 */
abstract class WithEmbeddedBroker {
    @TempDir
    static Path dir;

    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @AfterEach
    void killLeftovers() throws InterruptedException {
        ItSupport.killLeftovers();
    }
}
