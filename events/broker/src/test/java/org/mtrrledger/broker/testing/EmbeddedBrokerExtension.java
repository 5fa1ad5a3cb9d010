package org.mtrrledger.broker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mtrrledger.broker.EmbeddedBroker;

/**
 * The real embedded KRaft broker of every module's tests, as a JUnit 5 extension:
 * <pre>{@code @RegisterExtension static final EmbeddedBrokerExtension broker = new EmbeddedBrokerExtension();}</pre>
 * In a static field it runs once for the test class (starting a broker costs seconds); in an instance field, once
 * per test. Its data directory is a fresh temporary directory that the extension owns and deletes after the
 * broker has stopped, like JUnit's {@code @TempDir}. {@link EmbeddedBroker#start} returns only once the broker
 * answers, within its own bounded wait, so a test never waits for readiness itself.
 *
 * <p>Tests of losing the broker {@link #stop()} it mid-test and {@link #start()} it again (from an instance field:
 * a class's shared broker that one test stops stays stopped for the next): the restarted broker keeps the data
 * directory, so its cluster, topics, records and port are the ones clients knew. Whatever runs at the end of the
 * test's scope is stopped cleanly.
 */
public final class EmbeddedBrokerExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback {
    private Path dataDir;
    private EmbeddedBroker broker;
    /** Whether the extension sits in a static field: then the broker outlives each test of the class. */
    private boolean perClass;
    /** The class that started it, which alone stops it (its {@code @Nested} classes share it). */
    private ExtensionContext owner;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (owner == null) {
            perClass = true;
            owner = context;
            open();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!perClass) {
            open();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            close();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context == owner) {
            owner = null;
            close();
        }
    }

    /** The running broker's bootstrap address. */
    public String bootstrap() {
        return running().bootstrap();
    }

    /** The running broker. */
    public EmbeddedBroker running() {
        if (broker == null) {
            throw new IllegalStateException("the embedded broker is not running (stopped, or outside a test)");
        }
        return broker;
    }

    /** The broker's data directory, which outlives {@link #stop()}. */
    public Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException("the embedded broker has no data directory outside a test");
        }
        return dataDir;
    }

    /** Stops the broker now, keeping its data directory; idempotent. */
    public void stop() {
        if (broker != null) {
            EmbeddedBroker b = broker;
            broker = null;
            b.close();
        }
    }

    /** Starts the broker again on its data directory, where its clients left it; returns it. */
    public EmbeddedBroker start() {
        if (broker != null) {
            throw new IllegalStateException("the embedded broker is already running at " + broker.bootstrap());
        }
        broker = EmbeddedBroker.start(dataDir());
        return broker;
    }

    private void open() throws IOException {
        dataDir = Files.createTempDirectory("mtrr-broker-");
        start();
    }

    private void close() {
        try {
            stop();
        } finally {
            if (dataDir != null) {
                delete(dataDir);
                dataDir = null;
            }
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the embedded broker's data directory " + dir, e);
        }
    }

    @Override
    public String toString() {
        return broker == null ? "EmbeddedBrokerExtension[stopped, " + dataDir + "]" : broker.toString();
    }
}
