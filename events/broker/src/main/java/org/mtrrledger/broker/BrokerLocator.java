package org.mtrrledger.broker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides which Kafka to talk to, so every {@code mtrr} command works with zero setup and still lets the
 * user point it at a real cluster. Precedence, first match wins:
 * <ol>
 *   <li>an explicit bootstrap value (the {@code --bootstrap} option);</li>
 *   <li>the environment variable {@code MTRR_BOOTSTRAP};</li>
 *   <li>a broker already running on this data directory ({@code mtrr broker} in another terminal), found
 *       through {@code <dataDir>/broker.properties} if its pid is alive and its port accepts a connection;</li>
 *   <li>an {@link EmbeddedBroker} started in this process on {@code <dataDir>/kafka}, stopped when the
 *       returned endpoint is closed.</li>
 * </ol>
 * Blank values count as unset. The environment is injectable so tests need not change the real one.
 */
public final class BrokerLocator {

    /** The environment variable that names a bootstrap address. */
    public static final String ENV_BOOTSTRAP = "MTRR_BOOTSTRAP";

    private static final int CONNECT_TIMEOUT_MS = 1000;
    private static final long RACE_WAIT_MS = 30_000;

    private final Path dataDir;
    private final Function<String, String> env;

    /** A locator for {@code dataDir} reading the real process environment. */
    public BrokerLocator(Path dataDir) {
        this(dataDir, System::getenv);
    }

    /** A locator for {@code dataDir} with an injected environment lookup (name to value or null). */
    public BrokerLocator(Path dataDir, Function<String, String> env) {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        this.env = Objects.requireNonNull(env, "env");
    }

    /**
     * Resolves the endpoint, starting an embedded broker as the last resort.
     *
     * @param explicitBootstrap the {@code --bootstrap} value, or null/blank if not given
     */
    public KafkaEndpoint locate(String explicitBootstrap) {
        if (isSet(explicitBootstrap)) {
            String b = explicitBootstrap.trim();
            return new KafkaEndpoint(b, KafkaEndpoint.Source.EXPLICIT, "Kafka at " + b + " (--bootstrap)", null);
        }
        String fromEnv = env.apply(ENV_BOOTSTRAP);
        if (isSet(fromEnv)) {
            String b = fromEnv.trim();
            return new KafkaEndpoint(b, KafkaEndpoint.Source.ENVIRONMENT, "Kafka at " + b + " (" + ENV_BOOTSTRAP + ")",
                    null);
        }
        Optional<KafkaEndpoint> running = findRunning();
        if (running.isPresent()) {
            return running.get();
        }
        try {
            EmbeddedBroker broker = EmbeddedBroker.start(dataDir);
            return new KafkaEndpoint(broker.bootstrap(), KafkaEndpoint.Source.EMBEDDED,
                    "embedded broker at " + broker.bootstrap() + " (data " + dataDir + ")", broker);
        } catch (BrokerAlreadyRunningException e) {
            // Another process locked the dir between our look and our start; it writes broker.properties once
            // it is ready, so use that broker instead of failing.
            return awaitRunning().orElseThrow(() -> e);
        }
    }

    /** The broker running on this data directory, if its advertisement is live (pid alive, port open). */
    public Optional<KafkaEndpoint> findRunning() {
        return BrokerInfo.read(dataDir)
                .filter(info -> info.isReachable(CONNECT_TIMEOUT_MS))
                .map(info -> new KafkaEndpoint(info.bootstrap(), KafkaEndpoint.Source.RUNNING_BROKER,
                        "running broker at " + info.bootstrap() + " (pid " + info.pid() + ", data " + dataDir + ")",
                        null));
    }

    private Optional<KafkaEndpoint> awaitRunning() {
        long deadline = System.currentTimeMillis() + RACE_WAIT_MS;
        while (System.currentTimeMillis() < deadline) {
            Optional<KafkaEndpoint> running = findRunning();
            if (running.isPresent()) {
                return running;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    private static boolean isSet(String s) {
        return s != null && !s.isBlank();
    }
}
