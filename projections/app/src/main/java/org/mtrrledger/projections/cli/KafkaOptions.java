package org.mtrrledger.projections.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mtrrledger.engine.consume.EngineConfig;
import org.mtrrledger.broker.BrokerLocator;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the audit log lives. Without --bootstrap (or MTRR_BOOTSTRAP, or {@code bootstrap} in the properties file):
 * the embedded broker of the data directory. Environment and file values arrive through {@link MtrrConfig}.
 */
public final class KafkaOptions {
    /** The environment variable that names a bootstrap address (the one {@link BrokerLocator} reads). */
    public static final String ENV_BOOTSTRAP = BrokerLocator.ENV_BOOTSTRAP;

    /** The environment variable that names the events topic. */
    public static final String ENV_TOPIC = "MTRR_TOPIC";

    @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
            description = "An existing Kafka cluster (default: $MTRR_BOOTSTRAP, else the embedded broker of --data, "
                    + "started in this process unless `mtrr broker` already runs it).")
    String bootstrap;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = EngineConfig.DEFAULT_TOPIC,
            description = "Events topic (default: $MTRR_TOPIC or mtrr.events).")
    String topic;

    /** Most partitions {@code --partitions} creates. */
    static final int MAX_PARTITIONS = 10_000;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    int partitions;

    /** Checked as it is parsed (flag, environment or file), so before any broker starts. */
    @Option(names = "--partitions", paramLabel = "N", defaultValue = "4",
            description = "Partitions when the topic is created (default 4; 1..10000).")
    void partitions(int n) {
        if (n < 1 || n > MAX_PARTITIONS) {
            throw new CommandLine.ParameterException(command.commandLine(), "--partitions must be 1.."
                    + MAX_PARTITIONS + ", got " + n);
        }
        partitions = n;
    }

    @Option(names = "--broker-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = DurationConverter.class,
            description = "How long Kafka may stay silent: ingest then fails naming the broker, run/serve report "
                    + "not-ready and keep retrying (default 30s; a number with ms, s or m).")
    Duration brokerTimeout;

    /** {@code 500ms}, {@code 30s}, {@code 2m}; a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher m = Pattern.compile("(\\d{1,9})\\s*(ms|s|m)?").matcher(value.trim());
            if (!m.matches()) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 30s, 2m)");
            }
            long n = Long.parseLong(m.group(1));
            Duration d = "ms".equals(m.group(2)) ? Duration.ofMillis(n) : "m".equals(m.group(2)) ? Duration.ofMinutes(n)
                    : Duration.ofSeconds(n);
            if (d.toMillis() < 100) {
                throw new CommandLine.TypeConversionException("'" + value + "' is too short: at least 100ms");
            }
            return d;
        }
    }

    String topic() {
        return topic == null || topic.isBlank() ? EngineConfig.DEFAULT_TOPIC : topic;
    }

    /**
     * Where to talk to Kafka for this command (flag, environment, a running broker of the data directory, or an
     * embedded one started here), announced on stderr; closing the endpoint stops a broker this process started.
     */
    org.mtrrledger.broker.KafkaEndpoint connect(DataOptions data) {
        org.mtrrledger.broker.KafkaEndpoint ep =
                new BrokerLocator(data.dataDir()).locate(bootstrap);
        System.err.println("# kafka: " + ep.description());
        return ep;
    }
}
