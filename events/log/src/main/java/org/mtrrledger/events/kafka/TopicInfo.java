package org.mtrrledger.events.kafka;

/**
 * The state of a topic after {@link TopicAdmin#ensureTopic} or {@link TopicAdmin#ensureIngestLedger}.
 *
 * @param name                 topic name
 * @param partitions           the partition count the topic really has
 * @param requestedPartitions  the partition count the caller asked for
 * @param created              whether this call created the topic (false: it already existed)
 * @param retentionMs          the topic's effective {@code retention.ms} (-1 = unlimited)
 * @param retentionBytes       the topic's effective {@code retention.bytes} (-1 = unlimited)
 * @param cleanupPolicy        the topic's {@code cleanup.policy} ({@code delete} or {@code compact})
 */
public record TopicInfo(String name, int partitions, int requestedPartitions, boolean created, long retentionMs,
                        long retentionBytes, String cleanupPolicy) {

    /**
     * True if the topic existed with another partition count than requested. It is kept as it is: adding
     * partitions would move VMs to other partitions and break per-VM ordering, removing them is impossible.
     */
    public boolean partitionCountDiffers() {
        return partitions != requestedPartitions;
    }

    /** True if records of this topic are never deleted by age or size. */
    public boolean unlimitedRetention() {
        return retentionMs < 0 && retentionBytes < 0;
    }

    /** One line for the CLI, e.g. {@code topic mtrr.events: 6 partitions (existing, requested 12), retention unlimited}. */
    public String describe() {
        return "topic " + name + ": " + partitions + " partition" + (partitions == 1 ? "" : "s")
                + (created ? " (created)" : " (existing" + (partitionCountDiffers() ? ", requested "
                        + requestedPartitions + "; kept as is" : "") + ")")
                + ", cleanup.policy " + cleanupPolicy
                + (unlimitedRetention() ? ", retention unlimited"
                        : ", retention.ms " + retentionMs + ", retention.bytes " + retentionBytes);
    }
}
