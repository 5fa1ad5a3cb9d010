package org.mtrrledger.broker;

import java.util.Objects;
import java.util.Optional;

/**
 * Where to talk to Kafka, as decided by {@link BrokerLocator}, and how that was decided.
 *
 * <p>Closing it stops the broker only if this process started it ({@link #embeddedOwned()}); an endpoint
 * found through {@code --bootstrap}, {@code MTRR_BOOTSTRAP} or a running {@code mtrr broker} is left alone.
 * Record-like (final fields, value accessors) but a class, because it owns a resource.
 */
public final class KafkaEndpoint implements AutoCloseable {

    /** How the endpoint was found, in {@link BrokerLocator}'s order of precedence. */
    public enum Source {
        /** The {@code --bootstrap} option. */
        EXPLICIT,
        /** The {@code MTRR_BOOTSTRAP} environment variable. */
        ENVIRONMENT,
        /** A broker already running on the data directory, found via its {@code broker.properties}. */
        RUNNING_BROKER,
        /** A broker started in this process for this command. */
        EMBEDDED
    }

    private final String bootstrap;
    private final Source source;
    private final String description;
    private final EmbeddedBroker ownedBroker;

    KafkaEndpoint(String bootstrap, Source source, String description, EmbeddedBroker ownedBroker) {
        this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
        this.source = Objects.requireNonNull(source, "source");
        this.description = Objects.requireNonNull(description, "description");
        this.ownedBroker = ownedBroker;
    }

    /** {@code host:port[,host:port...]} for {@code bootstrap.servers}. */
    public String bootstrap() {
        return bootstrap;
    }

    /** How it was found. */
    public Source source() {
        return source;
    }

    /** True if this process started the broker and closing this endpoint stops it. */
    public boolean embeddedOwned() {
        return ownedBroker != null;
    }

    /** The broker this process owns, if any. */
    public Optional<EmbeddedBroker> ownedBroker() {
        return Optional.ofNullable(ownedBroker);
    }

    /** For messages, e.g. {@code embedded broker at 127.0.0.1:41234 (data ./mtrr-data)}. */
    public String description() {
        return description;
    }

    /** Stops the embedded broker if this process owns it; otherwise does nothing. Idempotent. */
    @Override
    public void close() {
        if (ownedBroker != null) {
            ownedBroker.close();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
