package org.mtrrledger.engine.consume;

import java.time.Duration;

/**
 * @param topic           the events topic
 * @param groupId         consumer group; several engine processes in one group share the partitions
 * @param checkpointEvery a full checkpoint of a VM every this many of its events (bounds time-travel replay)
 * @param poison          what to do with records the fold cannot take (see {@link PoisonPolicy})
 * @param brokerTimeout   how long one request to Kafka may go unanswered before the engine reports the broker
 *                        unavailable (it keeps retrying; it never exits for it)
 */
public record EngineConfig(String topic, String groupId, long checkpointEvery, PoisonPolicy poison,
        Duration brokerTimeout) {
    public static final Duration DEFAULT_BROKER_TIMEOUT = Duration.ofSeconds(30);
    public static final String DEFAULT_TOPIC = "mtrr.events";
    public static final String DEFAULT_GROUP = "mtrr-engine";
    public static final long DEFAULT_CHECKPOINT_EVERY = 1000;

    public EngineConfig(String topic, String groupId, long checkpointEvery, PoisonPolicy poison) {
        this(topic, groupId, checkpointEvery, poison, DEFAULT_BROKER_TIMEOUT);
    }
}
