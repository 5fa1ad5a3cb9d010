package org.mtrrledger.events.kafka;

/**
 * Quiet defaults for Kafka's own loggers under the slf4j-simple binding.
 *
 * <p>Why: the broker logs its full configuration (hundreds of lines) at INFO on every start, and every
 * producer, consumer and admin client does the same for its own config. On a CLI that drowns the output we
 * actually want. slf4j-simple reads {@code org.slf4j.simpleLogger.log.<name>} when a logger is first created,
 * so these defaults must be set before Kafka classes create their loggers; every entry point of this package
 * calls {@link #apply()} from its static initialiser. A value the user already set (e.g. with
 * {@code -Dorg.slf4j.simpleLogger.log.kafka=info}) is never overwritten. With another slf4j binding these
 * properties are simply ignored.
 */
public final class KafkaLogDefaults {

    private static final String PREFIX = "org.slf4j.simpleLogger.log.";
    private static final String[] QUIET_LOGGERS = {
        "kafka", "org.apache.kafka", "state.change.logger", "kafka.request.logger"
    };

    private KafkaLogDefaults() {
    }

    /** Sets {@code warn} as the level of Kafka's loggers unless a level was already configured. Idempotent. */
    public static void apply() {
        for (String logger : QUIET_LOGGERS) {
            String key = PREFIX + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }
}
