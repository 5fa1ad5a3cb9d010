package org.mtrrledger.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedBrokerTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepItsClusterAndTopicsAcrossStopAndStart() {
        EmbeddedBroker broker = EmbeddedBroker.start(dataDir);
        String clusterId = broker.clusterId();
        try {
            assertTrue(broker.bootstrap().startsWith("127.0.0.1:"), broker.bootstrap());
            assertTrue(Files.exists(dataDir.resolve("kafka/meta.properties")));
            BrokerInfo advertised = BrokerInfo.read(dataDir).orElseThrow();
            assertEquals(broker.bootstrap(), advertised.bootstrap());
            assertEquals(ProcessHandle.current().pid(), advertised.pid());
            assertEquals(2, Topics.create(broker.bootstrap(), "persist", 2));
        } finally {
            broker.close();
        }
        broker.close(); // idempotent
        assertFalse(Files.exists(BrokerInfo.file(dataDir)), "broker.properties must be deleted on close");

        try (EmbeddedBroker again = EmbeddedBroker.start(dataDir)) {
            assertEquals(clusterId, again.clusterId(), "the log dir must not be re-formatted");
            assertEquals(2, Topics.partitions(again.bootstrap(), "persist"));
        }
    }

    @Test
    void shouldKeepItsPortAcrossRestartsAndRefuseAPortTakenByAnotherProcess() throws Exception {
        String first;
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir)) {
            first = broker.bootstrap();
        }
        try (EmbeddedBroker again = EmbeddedBroker.start(dataDir)) {
            assertEquals(first, again.bootstrap(), "a restarted broker must be where its clients left it");
        }
        int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
        try (ServerSocket squatter = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertTrue(squatter.isBound(), "another process holds the broker's port");
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedBroker.start(dataDir));
            assertTrue(e.getMessage().contains("port " + port) && e.getMessage().contains("taken by another process")
                    && e.getMessage().contains(EmbeddedBroker.PORTS_FILE_NAME), e.getMessage());
        }
        try (EmbeddedBroker third = EmbeddedBroker.start(dataDir)) {
            assertEquals(first, third.bootstrap(), "a refused start must not move the port");
        }
    }

    @Test
    void shouldRefuseSecondBrokerOnLockedDataDirInThisAndAnotherProcess() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir)) {
            BrokerAlreadyRunningException inJvm = assertThrows(BrokerAlreadyRunningException.class,
                    () -> EmbeddedBroker.start(dataDir));
            assertTrue(inJvm.getMessage().contains(dataDir.toRealPath().toString()), inJvm.getMessage());
            assertTrue(inJvm.getMessage().contains(broker.bootstrap()), inJvm.getMessage());
            assertEquals(broker.bootstrap(), inJvm.holder().orElseThrow().bootstrap());

            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), dataDir.toString())
                    .redirectErrorStream(true).start();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "lock probe did not finish");
            String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, child.exitValue(), output);
            assertTrue(output.contains("already in use") && output.contains(broker.bootstrap()), output);

            // the refused attempts must not have disturbed the running broker
            assertEquals(1, Topics.create(broker.bootstrap(), "still-alive", 1));
        }
    }

    @Test
    void shouldRunInTheForegroundUntilSigtermAndBeFoundFromAnotherProcess() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), ForegroundProbe.class.getName(), dataDir.toString())
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            String listening = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("mtrr broker: listening on ")) {
                    listening = line;
                    break;
                }
            }
            assertNotNull(listening, "child never reported its address");
            try (KafkaEndpoint endpoint = new BrokerLocator(dataDir, name -> null).locate(null)) {
                assertEquals(KafkaEndpoint.Source.RUNNING_BROKER, endpoint.source());
                assertTrue(listening.contains(endpoint.bootstrap()), listening);
                assertTrue(endpoint.description().contains("pid " + child.pid()), endpoint.description());
                assertEquals(1, Topics.create(endpoint.bootstrap(), "from-parent", 1));
            }

            child.toHandle().destroy(); // SIGTERM; unlike Process.destroy() it leaves our end of the pipe open
            assertTrue(child.waitFor(30, TimeUnit.SECONDS), "broker did not stop on SIGTERM");
            String rest = out.lines().collect(Collectors.joining("\n"));
            assertTrue(rest.contains("mtrr broker: stopped"), rest);
            assertFalse(Files.exists(BrokerInfo.file(dataDir)), "broker.properties must be gone after SIGTERM");
            assertTrue(Files.exists(dataDir.resolve("kafka/.kafka_cleanshutdown")), "expected a clean shutdown");
        } finally {
            child.destroyForcibly();
        }
    }
}
