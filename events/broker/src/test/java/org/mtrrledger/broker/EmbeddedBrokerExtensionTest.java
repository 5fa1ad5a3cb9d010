package org.mtrrledger.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * The tests' broker fixture, watched from outside: sample test classes run through the JUnit Platform, record what
 * broker each test saw, and the assertions check it once the fixture's scope has ended.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerExtensionTest {
    /** What each sample test saw: its broker's bootstrap address and data directory. */
    record Seen(String bootstrap, Path dataDir) {
    }

    static final List<Seen> SEEN = new CopyOnWriteArrayList<>();

    @BeforeEach
    void forget() {
        SEEN.clear();
    }

    static void see(EmbeddedBrokerExtension broker, String topic) {
        assertEquals(1, Topics.create(broker.bootstrap(), topic, 1), "the broker answers");
        SEEN.add(new Seen(broker.bootstrap(), broker.dataDir()));
    }

    /** Two tests that each create a topic on the broker and record what they saw. */
    interface TwoTests {
        EmbeddedBrokerExtension broker();

        @Test
        default void first() {
            see(broker(), "first");
        }

        @Test
        default void second() {
            see(broker(), "second");
        }
    }

    static class OneBrokerPerClass implements TwoTests {
        @RegisterExtension
        static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

        @Override
        public EmbeddedBrokerExtension broker() {
            return broker;
        }
    }

    static class OneBrokerPerTest implements TwoTests {
        @RegisterExtension
        final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

        @Override
        public EmbeddedBrokerExtension broker() {
            return broker;
        }
    }

    static class StoppedAndStartedAgain {
        @RegisterExtension
        final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

        @Test
        void restart() {
            EmbeddedBroker first = broker.running();
            assertEquals(3, Topics.create(first.bootstrap(), "kept", 3));
            broker.stop();
            broker.stop();
            assertThrows(IllegalStateException.class, broker::bootstrap);
            assertTrue(Files.isDirectory(broker.dataDir()), "the data directory outlives stop()");
            EmbeddedBroker again = broker.start();
            assertEquals(first.bootstrap(), again.bootstrap());
            assertEquals(first.clusterId(), again.clusterId());
            assertEquals(3, Topics.partitions(again.bootstrap(), "kept"));
            assertThrows(IllegalStateException.class, broker::start, "one broker at a time");
            SEEN.add(new Seen(again.bootstrap(), broker.dataDir()));
        }
    }

    static void run(Class<?> sample, int tests) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(sample)).build(), listener);
        TestExecutionSummary summary = listener.getSummary();
        if (!summary.getFailures().isEmpty()) {
            TestExecutionSummary.Failure f = summary.getFailures().get(0);
            throw new AssertionError(sample.getSimpleName() + "." + f.getTestIdentifier().getDisplayName(),
                    f.getException());
        }
        assertEquals(tests, summary.getTestsSucceededCount(), sample.getSimpleName());
        assertEquals(tests, SEEN.size(), SEEN.toString());
    }

    /** Gone: its data directory deleted and its port free again. */
    static void assertStopped(Seen seen) throws IOException {
        assertFalse(Files.exists(seen.dataDir()), seen.dataDir() + " is deleted");
        int port = Integer.parseInt(seen.bootstrap().substring(seen.bootstrap().lastIndexOf(':') + 1));
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(s.isBound(), "port " + port + " is free");
        }
    }

    @Test
    void shouldShareOneBrokerAmongTheTestsOfAClassFromAStaticField() throws IOException {
        run(OneBrokerPerClass.class, 2);
        assertEquals(SEEN.get(0), SEEN.get(1));
        assertStopped(SEEN.get(0));
    }

    @Test
    void shouldGiveEachTestItsOwnBrokerFromAnInstanceField() throws IOException {
        run(OneBrokerPerTest.class, 2);
        assertNotEquals(SEEN.get(0).dataDir(), SEEN.get(1).dataDir());
        assertStopped(SEEN.get(0));
        assertStopped(SEEN.get(1));
    }

    @Test
    void shouldStartAgainWhereItsClientsLeftItAndStopAtTheEndOfTheTest() throws IOException {
        run(StoppedAndStartedAgain.class, 1);
        assertStopped(SEEN.get(0));
    }
}
