package org.mtrrledger.projections.it;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.EmbeddedBroker;

/**
 * One real embedded broker per test class, with its log in the class's temporary directory (starting one costs
 * seconds, so the tests of a class share it); child engine processes a test left behind are killed after it.
 */
abstract class WithEmbeddedBroker {
    @TempDir
    static Path dir;

    static EmbeddedBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedBroker.start(dir.resolve("broker"));
    }

    @AfterEach
    void killLeftovers() throws InterruptedException {
        ItSupport.killLeftovers();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
