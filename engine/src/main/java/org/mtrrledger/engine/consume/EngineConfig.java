package org.mtrrledger.engine.consume;

/**
 * @param topic           the events topic
 * @param groupId         consumer group; several engine processes in one group share the partitions
 * @param checkpointEvery a full checkpoint of a VM every this many of its events (bounds time-travel replay)
 * @param poison          what to do with records the fold cannot take (see {@link PoisonPolicy})
 */
public record EngineConfig(String topic, String groupId, long checkpointEvery, PoisonPolicy poison) {
    public static final String DEFAULT_TOPIC = "mtrr.events";
    public static final String DEFAULT_GROUP = "mtrr-engine";
    public static final long DEFAULT_CHECKPOINT_EVERY = 1000;
}
