package org.mtrrledger.projections.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import org.mtrrledger.broker.EmbeddedBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * A Kafka broker for an integration test, which only ever sees its bootstrap address. Tests of {@link #TESTCONTAINERS}
 * are tagged {@code docker}; if one runs where Docker does not answer, it is skipped (a JUnit assumption).
 */
public enum BrokerFixture {
    /** The in-process KRaft broker `mtrr` starts when it has no --bootstrap. */
    EMBEDDED {
        @Override
        public Running start(Path dir) {
            EmbeddedBroker broker = EmbeddedBroker.start(dir);
            return new Running(broker.bootstrap(), broker::close);
        }
    },
    /** Stock Apache Kafka in a container: the image docker/docker-compose.yml runs (ComposeFileTest checks that). */
    TESTCONTAINERS {
        @Override
        public Running start(Path dir) {
            assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                    "no Docker here: the Testcontainers broker (" + KAFKA_IMAGE + ") is skipped");
            KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
            kafka.start();
            return new Running(kafka.getBootstrapServers(), kafka::stop);
        }
    };

    /** The Kafka image of the container fixture and of docker/docker-compose.yml. */
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.0";

    /** Starts a broker; {@code dir} is a fresh directory it may use. */
    public abstract Running start(Path dir);

    /** A started broker: its bootstrap address, and how to stop it. */
    public record Running(String bootstrap, Runnable stopper) implements AutoCloseable {
        @Override
        public void close() {
            stopper.run();
        }
    }
}
