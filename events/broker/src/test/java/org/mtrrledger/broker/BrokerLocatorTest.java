package org.mtrrledger.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.mtrrledger.broker.testing.EmbeddedBrokerExtension;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrokerLocatorTest {

    private static final Function<String, String> NO_ENV = name -> null;

    @RegisterExtension
    static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();

    @Test
    void shouldFindTheBrokerRunningOnTheDataDirThroughItsFile() {
        try (KafkaEndpoint endpoint = new BrokerLocator(broker.dataDir(), NO_ENV).locate(null)) {
            assertEquals(broker.bootstrap(), endpoint.bootstrap());
            assertEquals(KafkaEndpoint.Source.RUNNING_BROKER, endpoint.source());
            assertFalse(endpoint.embeddedOwned());
            assertTrue(endpoint.description().contains(broker.bootstrap()), endpoint.description());
        }
        // closing an endpoint we do not own must leave the broker running
        assertTrue(BrokerInfo.read(broker.dataDir()).orElseThrow().isReachable(1000));
        assertEquals(1, Topics.create(broker.bootstrap(), "after-close", 1));
    }

    @Test
    void shouldPreferTheExplicitBootstrapOverEnvironmentAndRunningBroker() {
        BrokerLocator locator = new BrokerLocator(broker.dataDir(),
                Map.of(BrokerLocator.ENV_BOOTSTRAP, "env-host:9092")::get);
        try (KafkaEndpoint endpoint = locator.locate(" cli-host:9092 ")) {
            assertEquals("cli-host:9092", endpoint.bootstrap());
            assertEquals(KafkaEndpoint.Source.EXPLICIT, endpoint.source());
            assertFalse(endpoint.embeddedOwned());
        }
    }

    @Test
    void shouldPreferTheEnvironmentOverTheRunningBroker() {
        BrokerLocator locator = new BrokerLocator(broker.dataDir(),
                Map.of(BrokerLocator.ENV_BOOTSTRAP, "env-host:9092")::get);
        try (KafkaEndpoint endpoint = locator.locate("  ")) {
            assertEquals("env-host:9092", endpoint.bootstrap());
            assertEquals(KafkaEndpoint.Source.ENVIRONMENT, endpoint.source());
            assertTrue(endpoint.description().contains("MTRR_BOOTSTRAP"), endpoint.description());
        }
    }

    @Test
    void shouldIgnoreAStaleBrokerFileAndStartAnOwnedEmbeddedBroker(@TempDir Path otherDataDir) throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        // a crashed broker's leftover: our own (live) pid but nothing listening any more
        new BrokerInfo("127.0.0.1:" + closedPort, ProcessHandle.current().pid(), "stale", Instant.now())
                .writeTo(otherDataDir);

        KafkaEndpoint endpoint = new BrokerLocator(otherDataDir, NO_ENV).locate(null);
        try (endpoint) {
            assertEquals(KafkaEndpoint.Source.EMBEDDED, endpoint.source());
            assertTrue(endpoint.embeddedOwned());
            assertTrue(endpoint.description().startsWith("embedded broker at 127.0.0.1:"), endpoint.description());
            assertEquals(endpoint.bootstrap(), BrokerInfo.read(otherDataDir).orElseThrow().bootstrap());
            assertEquals(1, Topics.create(endpoint.bootstrap(), "owned", 1));
        }
        assertFalse(Files.exists(BrokerInfo.file(otherDataDir)), "closing the owning endpoint stops its broker");
        endpoint.close(); // idempotent
    }
}
