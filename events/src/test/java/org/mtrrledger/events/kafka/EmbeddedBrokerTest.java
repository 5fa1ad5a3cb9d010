package org.mtrrledger.events.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
    void shouldPersistRecordsAndLedgerAcrossStopAndStart() {
        String clusterId;
        String firstBootstrap;
        IngestDigest digest = IngestDigest.sha256("persist".getBytes(StandardCharsets.UTF_8));
        try (EmbeddedBroker broker = EmbeddedBroker.start(dataDir)) {
            clusterId = broker.clusterId();
            firstBootstrap = broker.bootstrap();
            assertTrue(firstBootstrap.startsWith("127.0.0.1:"), firstBootstrap);
            assertTrue(Files.exists(dataDir.resolve("kafka/meta.properties")));
            BrokerInfo advertised = BrokerInfo.read(dataDir).orElseThrow();
            assertEquals(firstBootstrap, advertised.bootstrap());
            assertEquals(ProcessHandle.current().pid(), advertised.pid());

            TopicAdmin.ensureTopic(broker.bootstrap(), "persist", 2);
            TopicAdmin.ensureIngestLedger(broker.bootstrap(), TopicAdmin.ledgerTopicOf("persist"));
            try (EventPublisher publisher = new EventPublisher(broker.bootstrap(), "persist", "tx-persist")) {
                publisher.publishFile(digest, "persist.log", Events.generate("p", 4, 100), ProgressListener.NONE);
            }
            broker.close();
            broker.close(); // idempotent
        }
        assertFalse(Files.exists(BrokerInfo.file(dataDir)), "broker.properties must be deleted on close");

        try (EmbeddedBroker again = EmbeddedBroker.start(dataDir)) {
            assertEquals(clusterId, again.clusterId(), "the log dir must not be re-formatted");
            List<ConsumedRecord> records = TopicReader.readAll(again.bootstrap(), "persist");
            assertEquals(100, records.size());
            assertEquals(100, records.stream().map(Events::text).distinct().count());
            try (EventPublisher publisher = new EventPublisher(again.bootstrap(), "persist", "tx-persist")) {
                PublishOutcome outcome = publisher.publishFile(digest, "persist-again.log",
                        Events.generate("p", 4, 100), ProgressListener.NONE);
                assertInstanceOf(PublishOutcome.AlreadyIngested.class, outcome);
                assertEquals("persist.log", outcome.summary().label());
            }
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
            assertNotNull(TopicAdmin.ensureTopic(broker.bootstrap(), "still-alive", 1));
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
                TopicAdmin.ensureTopic(endpoint.bootstrap(), "from-parent", 1);
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
